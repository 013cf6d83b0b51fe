package dev.rbmrevoker.bench;

import dev.rbmrevoker.store.MessagesTable;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One write of the application, with the item as it was just before and just after it (read aside by
 * the bench), priced by AWS's rules for on-demand tables: the item write costs one WRU per started KB of
 * the larger of the two (of the stored item for a failed conditional write), and the due index costs two
 * writes when the write moves its key (delete and put), one when the entry appears, disappears or only
 * its projected attributes change, none when it is left alone.
 */
public record WriteTrace(String operation, String id, Map<String, AttributeValue> before,
        Map<String, AttributeValue> after, boolean succeeded) {

    private static final String[] INDEX_KEY = {MessagesTable.DUE_SHARD, MessagesTable.DUE_AT};
    private static final String[] PROJECTED = {MessagesTable.STATE, MessagesTable.KIND};

    public long beforeBytes() {
        return ItemSize.of(before);
    }

    public long afterBytes() {
        return ItemSize.of(after);
    }

    public long itemUnits() {
        long bytes = succeeded ? Math.max(beforeBytes(), afterBytes()) : beforeBytes();
        return Math.max(1, (bytes + 1023) / 1024);
    }

    public long indexWrites() {
        if (!succeeded) {
            return 0;
        }
        boolean was = indexed(before);
        boolean is = indexed(after);
        if (!was && !is) {
            return 0;
        }
        if (was != is) {
            return 1;
        }
        for (String key : INDEX_KEY) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                return 2;
            }
        }
        for (String attribute : PROJECTED) {
            if (!Objects.equals(before.get(attribute), after.get(attribute))) {
                return 1;
            }
        }
        return 0;
    }

    public long units() {
        return itemUnits() + indexWrites();
    }

    private static boolean indexed(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(MessagesTable.DUE_SHARD) && item.containsKey(MessagesTable.DUE_AT);
    }

    @Override
    public String toString() {
        String state = after != null && after.get(MessagesTable.STATE) != null ? after.get(MessagesTable.STATE).s() : "-";
        return operation + (succeeded ? "" : " (failed)") + " -> " + state + " " + beforeBytes() + "/" + afterBytes()
                + " B: " + itemUnits() + "+" + indexWrites() + " WRU";
    }
}
