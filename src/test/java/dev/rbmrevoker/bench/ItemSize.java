package dev.rbmrevoker.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB bills it: each attribute name in UTF-8 plus its value (a string in UTF-8, a
 * number about one byte per two significant digits plus one, binary as is, null and boolean one byte, a
 * list or map 3 bytes plus one per element plus its elements).
 */
public final class ItemSize {

    private ItemSize() {
    }

    public static long of(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    static long of(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        } else if (v.n() != null) {
            return number(v.n());
        } else if (v.b() != null) {
            return v.b().asByteArray().length;
        } else if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        } else if (v.hasSs()) {
            return v.ss().stream().mapToLong(ItemSize::utf8).sum();
        } else if (v.hasNs()) {
            return v.ns().stream().mapToLong(ItemSize::number).sum();
        } else if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        } else if (v.hasL()) {
            List<AttributeValue> l = v.l();
            return 3 + l.size() + l.stream().mapToLong(ItemSize::of).sum();
        } else if (v.hasM()) {
            return 3 + v.m().size() + of(v.m());
        }
        return 0;
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** About one byte per two significant digits, plus one. */
    static long number(String n) {
        String digits = new BigDecimal(n).stripTrailingZeros().unscaledValue().abs().toString();
        return (digits.length() + 1) / 2 + 1;
    }
}
