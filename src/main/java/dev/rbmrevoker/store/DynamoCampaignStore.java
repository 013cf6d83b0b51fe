package dev.rbmrevoker.store;

import dev.rbmrevoker.campaign.CampaignCounts;
import dev.rbmrevoker.campaign.CampaignEntry;
import dev.rbmrevoker.campaign.CampaignPage;
import dev.rbmrevoker.campaign.CampaignRevocation;
import dev.rbmrevoker.campaign.CampaignStore;
import dev.rbmrevoker.campaign.RevocationState;
import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.Timing;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Campaign revocations in the messages table, keyed {@code campaign:<campaign>:<agentId>} (never a
 * UUID, so never a messageId; a campaign has no ':'), on the due index while running. Their state is
 * not the messages' {@code state} attribute, which the due index projects for messages only. A
 * revocation's item is small and rewritten whole, on the version it read.
 */
@ApplicationScoped
public class DynamoCampaignStore implements CampaignStore {

    static final String KEY_PREFIX = "campaign:";
    private static final String AGENT_ID = "agentId";
    private static final String CAMPAIGN = "campaign";
    private static final String FALLBACK = "fallback";
    private static final String REVOCATION_STATE = "revocationState";
    private static final String STARTED_AT = "startedAt";
    private static final String FINISHED_AT = "finishedAt";
    private static final String REVOKED = "revoked";
    private static final String ALREADY_DELIVERED = "alreadyDelivered";
    private static final String FAILED = "failed";
    private static final String PASS = "pass";
    private static final String PASS_STARTED_AT = "passStartedAt";
    private static final String SHARD = "shard";
    private static final String AFTER = "after";
    private static final String OWED = "owed";
    private static final String PASS_DELIVERED = "passDelivered";
    private static final String LEASE_UNTIL = "leaseUntil";
    private static final String UPDATED_AT = "updatedAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final int dueShards;
    private final Timing timing;
    private final Clock clock;

    public DynamoCampaignStore(DynamoDbClient dynamo, StoreConfig config, Timing timing, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.table();
        this.dueShards = config.dueShards();
        this.timing = timing;
        this.clock = clock;
    }

    @Override
    public int shards() {
        return MessagesTable.CAMPAIGN_SHARDS;
    }

    @Override
    public Optional<CampaignRevocation> create(CampaignRevocation revocation) {
        return WholeItems.putNew(dynamo, table, toItem(revocation, revocation.version()))
                .map(DynamoCampaignStore::fromItem);
    }

    @Override
    public Optional<CampaignRevocation> get(String agentId, String campaign) {
        return get(id(agentId, campaign));
    }

    @Override
    public Optional<CampaignRevocation> get(String dueId) {
        GetItemResponse response = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(dueId)))
                .consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() && response.item().containsKey(REVOCATION_STATE)
                ? Optional.of(fromItem(response.item()))
                : Optional.empty();
    }

    @Override
    public Optional<CampaignRevocation> update(CampaignRevocation from, CampaignRevocation to) {
        long version = from.version() + 1;
        if (!WholeItems.putOver(dynamo, table, toItem(to, version), from.version())) {
            return Optional.empty();
        }
        return Optional.of(new CampaignRevocation(to.agentId(), to.campaign(), to.fallback(), to.state(),
                to.startedAt(), to.finishedAt(), to.revoked(), to.alreadyDelivered(), to.failed(), to.progress(),
                to.leaseUntil(), to.dueAt(), to.updatedAt(), version));
    }

    @Override
    public CampaignPage page(String agentId, String campaign, int shard, String after, int limit) {
        QueryRequest.Builder query = query(agentId, campaign, shard).limit(limit);
        if (after != null) {
            query.exclusiveStartKey(Map.of(
                    MessagesTable.MESSAGE_ID, AttributeValue.fromS(after),
                    MessagesTable.CAMPAIGN_KEY, AttributeValue.fromS(MessagesTable.campaignKey(agentId, campaign, shard))));
        }
        QueryResponse response = dynamo.query(query.build());
        List<CampaignEntry> entries = response.items().stream()
                .map(item -> new CampaignEntry(MessageItemMapper.str(item, MessagesTable.MESSAGE_ID),
                        MessageState.valueOf(MessageItemMapper.str(item, MessagesTable.STATE))))
                .toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? MessageItemMapper.str(response.lastEvaluatedKey(), MessagesTable.MESSAGE_ID)
                : null;
        return new CampaignPage(entries, next);
    }

    @Override
    public CampaignCounts count(String agentId, String campaign, Instant until) {
        ExecutorService readers = Executors.newFixedThreadPool(shards());
        try {
            List<CompletableFuture<ShardCount>> shards = new ArrayList<>();
            for (int shard = 0; shard < shards(); shard++) {
                int s = shard;
                shards.add(CompletableFuture.supplyAsync(() -> countShard(agentId, campaign, s, until), readers));
            }
            Map<MessageState, Long> byState = new EnumMap<>(MessageState.class);
            boolean partial = false;
            for (CompletableFuture<ShardCount> shard : shards) {
                ShardCount count = joined(shard);
                count.byState().forEach((state, n) -> byState.merge(state, n, Long::sum));
                partial |= count.partial();
            }
            return new CampaignCounts(byState, partial);
        } finally {
            readers.shutdownNow();
        }
    }

    /** A shard's count, or the store's own failure (so that the API answers 503 store-unavailable). */
    private static ShardCount joined(CompletableFuture<ShardCount> shard) {
        try {
            return shard.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private ShardCount countShard(String agentId, String campaign, int shard, Instant until) {
        Map<MessageState, Long> byState = new EnumMap<>(MessageState.class);
        Map<String, AttributeValue> start = null;
        do {
            if (!clock.instant().isBefore(until)) {
                return new ShardCount(byState, true);
            }
            QueryRequest.Builder query = query(agentId, campaign, shard);
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> byState.merge(
                    MessageState.valueOf(MessageItemMapper.str(item, MessagesTable.STATE)), 1L, Long::sum));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return new ShardCount(byState, false);
    }

    private record ShardCount(Map<MessageState, Long> byState, boolean partial) {
    }

    private QueryRequest.Builder query(String agentId, String campaign, int shard) {
        return QueryRequest.builder()
                .tableName(table)
                .indexName(MessagesTable.CAMPAIGN_INDEX)
                .keyConditionExpression("#key = :key")
                .projectionExpression("#id, #state")
                .expressionAttributeNames(Map.of("#key", MessagesTable.CAMPAIGN_KEY, "#id", MessagesTable.MESSAGE_ID,
                        "#state", MessagesTable.STATE))
                .expressionAttributeValues(Map.of(
                        ":key", AttributeValue.fromS(MessagesTable.campaignKey(agentId, campaign, shard))));
    }

    static String id(String agentId, String campaign) {
        return KEY_PREFIX + campaign + ":" + agentId;
    }

    private Map<String, AttributeValue> toItem(CampaignRevocation r, long version) {
        Map<String, AttributeValue> item = new HashMap<>();
        String id = id(r.agentId(), r.campaign());
        item.put(MessagesTable.MESSAGE_ID, AttributeValue.fromS(id));
        item.put(MessagesTable.KIND, AttributeValue.fromS(DueKind.CAMPAIGN.name()));
        item.put(AGENT_ID, AttributeValue.fromS(r.agentId()));
        item.put(CAMPAIGN, AttributeValue.fromS(r.campaign()));
        item.put(FALLBACK, AttributeValue.fromBool(r.fallback()));
        item.put(REVOCATION_STATE, AttributeValue.fromS(r.state().name()));
        item.put(STARTED_AT, MessageItemMapper.n(r.startedAt()));
        putInstant(item, FINISHED_AT, r.finishedAt());
        item.put(REVOKED, number(r.revoked()));
        item.put(ALREADY_DELIVERED, number(r.alreadyDelivered()));
        item.put(FAILED, number(r.failed()));
        item.put(PASS, number(r.progress().pass()));
        item.put(PASS_STARTED_AT, MessageItemMapper.n(r.progress().passStartedAt()));
        item.put(SHARD, number(r.progress().shard()));
        if (r.progress().after() != null) {
            item.put(AFTER, AttributeValue.fromS(r.progress().after()));
        }
        item.put(OWED, number(r.progress().owed()));
        item.put(PASS_DELIVERED, number(r.progress().delivered()));
        putInstant(item, LEASE_UNTIL, r.leaseUntil());
        if (r.dueAt() != null) {
            item.put(MessagesTable.DUE_AT, MessageItemMapper.n(r.dueAt()));
            item.put(MessagesTable.DUE_SHARD, AttributeValue.fromS(MessagesTable.shardOf(id, dueShards)));
        }
        if (r.finishedAt() != null) {
            // Kept as long as the messages it revoked: until then, sends into the campaign stay refused.
            item.put(MessagesTable.EXPIRES_AT, number(r.finishedAt().plus(timing.retention()).getEpochSecond()));
        }
        item.put(UPDATED_AT, MessageItemMapper.n(r.updatedAt()));
        item.put(MessagesTable.VERSION, number(version));
        return item;
    }

    private static CampaignRevocation fromItem(Map<String, AttributeValue> item) {
        return new CampaignRevocation(
                MessageItemMapper.str(item, AGENT_ID),
                MessageItemMapper.str(item, CAMPAIGN),
                item.get(FALLBACK).bool(),
                RevocationState.valueOf(MessageItemMapper.str(item, REVOCATION_STATE)),
                MessageItemMapper.instant(item, STARTED_AT),
                MessageItemMapper.instant(item, FINISHED_AT),
                longOf(item, REVOKED),
                longOf(item, ALREADY_DELIVERED),
                longOf(item, FAILED),
                new CampaignRevocation.Progress((int) longOf(item, PASS),
                        MessageItemMapper.instant(item, PASS_STARTED_AT), (int) longOf(item, SHARD),
                        MessageItemMapper.str(item, AFTER), longOf(item, OWED), longOf(item, PASS_DELIVERED)),
                MessageItemMapper.instant(item, LEASE_UNTIL),
                MessageItemMapper.instant(item, MessagesTable.DUE_AT),
                MessageItemMapper.instant(item, UPDATED_AT),
                longOf(item, MessagesTable.VERSION));
    }

    private static void putInstant(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, MessageItemMapper.n(value));
        }
    }

    private static long longOf(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
