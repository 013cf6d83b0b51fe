package dev.rbmrevoker.store;

import dev.rbmrevoker.message.Channel;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The messages table, defined once: the local run and the tests create it from here, and a test
 * holds template.yaml to it.
 *
 * <p>One item per message. The due index is sparse: {@value #DUE_SHARD} and {@value #DUE_AT} exist
 * only while the sweep owes the message work, so finding due work is a Query per shard. It projects
 * only state and kind, which change only together with {@value #DUE_AT} (or never): a write that does
 * not move the due time writes no index entry, and the sweep still knows what it may claim without
 * reading the item. Webhook forwards waiting for a retry live in the same table under their own ids,
 * so one index finds all due work.
 *
 * <p>The campaign index is sparse too: only messages sent with a campaign label have
 * {@value #CAMPAIGN_KEY}, which names the agent, the campaign and one of {@value #CAMPAIGN_SHARDS} shards
 * (by a hash of the messageId), so that a send burst into one campaign spreads over that many partitions.
 * It projects the state, so that a revocation skips delivered messages and counts states without
 * reading items: each state change of a labelled message also writes its index entry.
 *
 * <p>{@value #LEGACY_DUE_INDEX} is the index of the first releases (it also projected the version, so
 * every write rewrote its entry). A projection cannot change in place, so the index has a new name;
 * both index the same keys, and a deployment moves over as docs/performance.md describes.
 */
public final class MessagesTable {

    public static final String MESSAGE_ID = "messageId";
    public static final String DUE_INDEX = "dueV2";
    public static final String LEGACY_DUE_INDEX = "due";
    /** Which of the {@code DUE_SHARDS} partitions of the due index the item is in, "0", "1"... */
    public static final String DUE_SHARD = "dueShard";
    /** When work is owed, epoch milliseconds. */
    public static final String DUE_AT = "dueAt";
    /** DynamoDB TTL attribute, epoch seconds: set when a message is settled, to remove it after the retention. */
    public static final String EXPIRES_AT = "expiresAt";
    public static final String STATE = "state";
    public static final String VERSION = "version";
    /**
     * {@code FORWARD} on a webhook forward waiting for a retry, {@code CAMPAIGN} on a campaign revocation;
     * on a REVOKED message waiting out its revoke's confirm window, {@code WINDOW:} and the channels its
     * fallback then goes to (see {@link #windowKind}); absent on other messages. The due index projects it,
     * so the sweep claims the fallback at the window's end without reading the message. It changes only
     * together with {@code dueAt}, so it costs no index write of its own.
     */
    public static final String KIND = "kind";
    private static final String WINDOW = "WINDOW:";
    public static final String CAMPAIGN_INDEX = "campaign";
    /** {@code <shard>#<campaign>#<agentId>}: the campaign index's partition key, set once with the message. */
    public static final String CAMPAIGN_KEY = "campaignKey";
    /**
     * Partitions per campaign in the campaign index. Fixed, because a revocation reads every shard: one
     * partition takes about 1,000 writes/s, and a labelled message writes its entry two or three times
     * in the first seconds of its send, so 16 take a burst of about 5,000 sends/s into one campaign.
     */
    public static final int CAMPAIGN_SHARDS = 16;
    /** The default of {@code DUE_SHARDS}: due items spread over this many index partitions. */
    public static final int DEFAULT_DUE_SHARDS = 8;

    private MessagesTable() {
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(MESSAGE_ID, ScalarAttributeType.S),
                        attribute(DUE_SHARD, ScalarAttributeType.S),
                        attribute(DUE_AT, ScalarAttributeType.N),
                        attribute(CAMPAIGN_KEY, ScalarAttributeType.S))
                .keySchema(key(MESSAGE_ID, KeyType.HASH))
                .globalSecondaryIndexes(dueIndex(), campaignIndex())
                .build();
    }

    public static GlobalSecondaryIndex campaignIndex() {
        return GlobalSecondaryIndex.builder()
                .indexName(CAMPAIGN_INDEX)
                .keySchema(key(CAMPAIGN_KEY, KeyType.HASH), key(MESSAGE_ID, KeyType.RANGE))
                .projection(Projection.builder()
                        .projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(STATE)
                        .build())
                .build();
    }

    /** The campaign index key of a message: its shard by a hash of its id. */
    public static String campaignKey(String agentId, String campaign, String messageId) {
        return campaignKey(agentId, campaign, Math.floorMod(messageId.hashCode(), CAMPAIGN_SHARDS));
    }

    /** Campaign labels have no '#', so the key reads back unambiguously whatever the agentId holds. */
    public static String campaignKey(String agentId, String campaign, int shard) {
        return shard + "#" + campaign + "#" + agentId;
    }

    public static GlobalSecondaryIndex dueIndex() {
        return dueIndex(DUE_INDEX, STATE, KIND);
    }

    /** The first releases' due index, for tests of a deployment moving over. */
    public static GlobalSecondaryIndex legacyDueIndex() {
        return dueIndex(LEGACY_DUE_INDEX, STATE, VERSION, KIND);
    }

    private static GlobalSecondaryIndex dueIndex(String name, String... projected) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(DUE_SHARD, KeyType.HASH), key(DUE_AT, KeyType.RANGE))
                .projection(Projection.builder()
                        .projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(projected)
                        .build())
                .build();
    }

    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        return UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(TimeToLiveSpecification.builder()
                        .attributeName(EXPIRES_AT)
                        .enabled(true)
                        .build())
                .build();
    }

    /** The kind of a message waiting out its revoke's confirm window, e.g. {@code WINDOW:SMS,CALLBACK}. */
    static String windowKind(Set<Channel> channels) {
        return WINDOW + EnumSet.copyOf(channels).stream().map(Channel::name).collect(Collectors.joining(","));
    }

    /** The channels a {@link #windowKind} names; null for any other kind. */
    static Set<Channel> windowChannels(String kind) {
        if (kind == null || !kind.startsWith(WINDOW)) {
            return null;
        }
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        for (String channel : kind.substring(WINDOW.length()).split(",")) {
            channels.add(Channel.valueOf(channel));
        }
        return channels;
    }

    static String shardOf(String id, int shards) {
        return Integer.toString(Math.floorMod(id.hashCode(), shards));
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
