package dev.rbmrevoker.bench;

import dev.rbmrevoker.store.MessagesTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
 * Benchmark only: counts every DynamoDB request per operation, asks DynamoDB for the consumed capacity of
 * each ({@code ReturnConsumedCapacity TOTAL}) and adds it up, with the items Query read. Registered on the
 * application's client through {@code quarkus.dynamodb.interceptors} by {@link BenchProfile}. A conditional
 * write that fails still costs a request (and capacity on AWS); the SDK then throws and no response is
 * seen, so such calls are counted (and counted as failed) but their capacity is not.
 *
 * <p>While {@link #traceWrites} is on, every item write is bracketed by a consistent GetItem of the same
 * item on a separate client (not counted), so that the bench can price it by AWS's rules ({@link WriteTrace}).
 */
public class CapacityMeter implements ExecutionInterceptor {

    /** Per operation: calls, capacity units, Query items read (Count) and scanned. */
    public static final class Tally {
        /** Requests sent, failed or not. */
        public final LongAdder calls = new LongAdder();
        /** Requests that ended in an exception (a failed condition, a throttle...). */
        public final LongAdder failed = new LongAdder();
        public final DoubleAdder units = new DoubleAdder();
        public final LongAdder items = new LongAdder();
        public final LongAdder scanned = new LongAdder();

        @Override
        public String toString() {
            return "calls=" + calls.sum() + " failed=" + failed.sum() + " units=" + units.sum() + " items=" + items.sum()
                    + " scanned=" + scanned.sum();
        }
    }

    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();
    /** Set when no response carried a ConsumedCapacity although one was asked for. */
    private static final LongAdder MISSING = new LongAdder();
    private static final List<WriteTrace> TRACES = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Map<String, AttributeValue>> BEFORE = new ThreadLocal<>();
    private static volatile DynamoDbClient tracer;
    private static volatile String tracedTable;

    /** Starts bracketing the item writes to {@code table} with reads on {@code reader} (a client without this meter). */
    public static void traceWrites(DynamoDbClient reader, String table) {
        tracedTable = table;
        tracer = reader;
    }

    public static void stopTracing() {
        tracer = null;
    }

    /** The writes traced since the last {@link #reset}, in order. */
    public static List<WriteTrace> traces() {
        return List.copyOf(TRACES);
    }

    /** Requests of the given operations (e.g. "UpdateItem"), failed or not. */
    public static long requests(String... operations) {
        long sum = 0;
        for (String op : operations) {
            sum += calls(op);
        }
        return sum;
    }

    public static long failed(String op) {
        Tally t = TALLIES.get(op);
        return t == null ? 0 : t.failed.sum();
    }

    public static void reset() {
        TALLIES.clear();
        MISSING.reset();
        TRACES.clear();
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
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = operation(context.request());
        TALLIES.computeIfAbsent(op, k -> new Tally()).calls.increment();
        String id = tracedId(context.request());
        if (id != null) {
            BEFORE.set(read(id));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        TALLIES.computeIfAbsent(operation(context.request()), k -> new Tally()).failed.increment();
        trace(context.request(), false);
    }

    private static String operation(SdkRequest request) {
        return request.getClass().getSimpleName().replace("Request", "");
    }

    /** The message id of an item write to the traced table while tracing, else null. */
    private static String tracedId(SdkRequest r) {
        if (tracer == null) {
            return null;
        }
        Map<String, AttributeValue> key = null;
        String table = null;
        if (r instanceof PutItemRequest p) {
            key = p.item();
            table = p.tableName();
        } else if (r instanceof UpdateItemRequest u) {
            key = u.key();
            table = u.tableName();
        } else if (r instanceof DeleteItemRequest d) {
            key = d.key();
            table = d.tableName();
        }
        if (key == null || !table.equals(tracedTable) || !key.containsKey(MessagesTable.MESSAGE_ID)) {
            return null;
        }
        return key.get(MessagesTable.MESSAGE_ID).s();
    }

    private static Map<String, AttributeValue> read(String id) {
        DynamoDbClient reader = tracer;
        if (reader == null) {
            return null;
        }
        GetItemResponse r = reader.getItem(g -> g.tableName(tracedTable).consistentRead(true)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(id))));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    private static void trace(SdkRequest request, boolean succeeded) {
        String id = tracedId(request);
        if (id == null) {
            return;
        }
        Map<String, AttributeValue> before = BEFORE.get();
        BEFORE.remove();
        TRACES.add(new WriteTrace(operation(request), id, before, read(id), succeeded));
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
        trace(context.request(), true);
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
