package dev.rbmrevoker.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where messages are stored. */
@ConfigMapping(prefix = "messages")
public interface StoreConfig {

    /** The DynamoDB table of messages ({@code MESSAGES_TABLE}); required. */
    String table();

    /**
     * How many partitions of the due index due items spread over ({@code DUE_SHARDS}). Raising it is
     * safe: the sweep reads every shard up to the new count, the old ones included. Lowering it would
     * leave the items of the dropped shards unread.
     */
    @WithDefault("" + MessagesTable.DEFAULT_DUE_SHARDS)
    int dueShards();

    /**
     * The due index the sweep reads ({@code DUE_INDEX}): {@value MessagesTable#DUE_INDEX}, or
     * {@value MessagesTable#LEGACY_DUE_INDEX} while a deployment of the first releases moves over.
     */
    @WithDefault(MessagesTable.DUE_INDEX)
    String dueIndex();
}
