package dev.rbmrevoker.store;

import io.smallrye.config.ConfigMapping;

/** Where messages are stored. */
@ConfigMapping(prefix = "messages")
public interface StoreConfig {

    /** The DynamoDB table of messages ({@code MESSAGES_TABLE}); required. */
    String table();
}
