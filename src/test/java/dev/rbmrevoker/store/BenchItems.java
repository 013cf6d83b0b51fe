package dev.rbmrevoker.store;

import dev.rbmrevoker.message.Message;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** For the bench: a message as the store writes it, to batch-write many at once. */
public final class BenchItems {

    private static final MessageItemMapper MAPPER = new MessageItemMapper(Duration.ofDays(30),
            MessagesTable.DEFAULT_DUE_SHARDS);

    private BenchItems() {
    }

    public static Map<String, AttributeValue> item(Message stored) {
        return MAPPER.toItem(stored.toBuilder().version(1).build());
    }
}
