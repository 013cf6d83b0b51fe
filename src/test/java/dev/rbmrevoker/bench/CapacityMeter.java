package dev.rbmrevoker.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Benchmark only: asks DynamoDB for the consumed capacity of every call ({@code ReturnConsumedCapacity
 * TOTAL}) and adds it up per operation, with the items Query read. Registered on the application's client
 * through {@code quarkus.dynamodb.interceptors} by {@link BenchProfile}, and on clients the bench builds.
 * A conditional write that fails still consumes capacity on AWS; the SDK then throws and no response is
 * seen, so such calls are counted but their capacity is not.
 */
public class CapacityMeter implements ExecutionInterceptor {

    /** Per operation: calls, capacity units, Query items read (Count) and scanned. */
    public static final class Tally {
        public final LongAdder calls = new LongAdder();
        public final DoubleAdder units = new DoubleAdder();
        public final LongAdder items = new LongAdder();
        public final LongAdder scanned = new LongAdder();

        @Override
        public String toString() {
            return "calls=" + calls.sum() + " units=" + units.sum() + " items=" + items.sum()
                    + " scanned=" + scanned.sum();
        }
    }

    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();
    /** Set when no response carried a ConsumedCapacity although one was asked for. */
    private static final LongAdder MISSING = new LongAdder();

    public static void reset() {
        TALLIES.clear();
        MISSING.reset();
    }

    public static Map<String, Tally> snapshot() {
        return new TreeMap<>(TALLIES);
    }

    public static long missingCapacity() {
        return MISSING.sum();
    }

    public static double units(String... operations) {
        double sum = 0;
        for (String op : operations) {
            Tally t = TALLIES.get(op);
            sum += t == null ? 0 : t.units.sum();
        }
        return sum;
    }

    public static long calls(String op) {
        Tally t = TALLIES.get(op);
        return t == null ? 0 : t.calls.sum();
    }

    public static long items(String op) {
        Tally t = TALLIES.get(op);
        return t == null ? 0 : t.items.sum();
    }

    public static long scanned(String op) {
        Tally t = TALLIES.get(op);
        return t == null ? 0 : t.scanned.sum();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof DeleteItemRequest d) {
            return d.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof BatchWriteItemRequest b) {
            return b.toBuilder().returnConsumedCapacity(total).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        String op = response.getClass().getSimpleName().replace("Response", "");
        Tally t = TALLIES.computeIfAbsent(op, k -> new Tally());
        t.calls.increment();
        ConsumedCapacity capacity = null;
        if (response instanceof QueryResponse q) {
            capacity = q.consumedCapacity();
            t.items.add(q.count() == null ? 0 : q.count());
            t.scanned.add(q.scannedCount() == null ? 0 : q.scannedCount());
        } else if (response instanceof GetItemResponse g) {
            capacity = g.consumedCapacity();
        } else if (response instanceof PutItemResponse p) {
            capacity = p.consumedCapacity();
        } else if (response instanceof UpdateItemResponse u) {
            capacity = u.consumedCapacity();
        } else if (response instanceof DeleteItemResponse d) {
            capacity = d.consumedCapacity();
        } else if (response instanceof BatchWriteItemResponse b) {
            List<ConsumedCapacity> all = b.consumedCapacity();
            for (ConsumedCapacity c : all) {
                add(t, c);
            }
            return;
        } else {
            return;
        }
        if (capacity == null) {
            MISSING.increment();
        } else {
            add(t, capacity);
        }
    }

    private static void add(Tally t, ConsumedCapacity c) {
        if (c.capacityUnits() != null) {
            t.units.add(c.capacityUnits());
        }
    }
}
