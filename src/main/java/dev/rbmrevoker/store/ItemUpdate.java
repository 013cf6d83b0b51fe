package dev.rbmrevoker.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The targeted update expression from one item to the next: only what changed is written, a history
 * or seen-events list that only grew is appended to ({@code list_append}), and the fallback map is
 * changed by its changed entries. An UpdateItem is billed by the item's size either way; this keeps
 * the request small and lets a write made without reading (a presumed one) touch only what it decided.
 */
final class ItemUpdate {

    /** Lists written by appending when the next item's list extends the previous one. */
    private static final Set<String> APPENDED = Set.of(MessageItemMapper.HISTORY, MessageItemMapper.SEEN_EVENTS);
    /** Maps written entry by entry. */
    private static final Set<String> NESTED = Set.of(MessageItemMapper.FALLBACK);

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Set<String> touched = new HashSet<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final StringBuilder set = new StringBuilder();
    private final StringBuilder remove = new StringBuilder();
    private final Map<String, Integer> appended = new HashMap<>();

    private ItemUpdate() {
    }

    /**
     * @param skip attributes the caller writes itself (key, version)
     */
    static ItemUpdate between(Map<String, AttributeValue> from, Map<String, AttributeValue> to, Set<String> skip) {
        ItemUpdate update = new ItemUpdate();
        for (Map.Entry<String, AttributeValue> next : to.entrySet()) {
            String attribute = next.getKey();
            AttributeValue previous = from.get(attribute);
            if (skip.contains(attribute) || next.getValue().equals(previous)) {
                continue;
            }
            if (previous != null && APPENDED.contains(attribute) && extends_(previous.l(), next.getValue().l())) {
                List<AttributeValue> tail = next.getValue().l().subList(previous.l().size(), next.getValue().l().size());
                update.append(attribute, tail);
            } else if (previous != null && NESTED.contains(attribute)) {
                update.nested(attribute, previous.m(), next.getValue().m());
            } else {
                update.set(update.name(attribute), next.getValue());
            }
        }
        for (String attribute : from.keySet()) {
            if (!skip.contains(attribute) && !to.containsKey(attribute)) {
                update.remove(update.name(attribute));
            }
        }
        for (String attribute : to.keySet()) {
            if (!skip.contains(attribute) && !to.get(attribute).equals(from.get(attribute))) {
                update.touched.add(attribute);
            }
        }
        for (String attribute : from.keySet()) {
            if (!skip.contains(attribute) && !to.containsKey(attribute)) {
                update.touched.add(attribute);
            }
        }
        return update;
    }

    private static boolean extends_(List<AttributeValue> previous, List<AttributeValue> next) {
        return next.size() > previous.size() && next.subList(0, previous.size()).equals(previous);
    }

    private void nested(String attribute, Map<String, AttributeValue> previous, Map<String, AttributeValue> next) {
        String map = name(attribute);
        for (Map.Entry<String, AttributeValue> entry : next.entrySet()) {
            if (!entry.getValue().equals(previous.get(entry.getKey()))) {
                set(map + "." + name(entry.getKey()), entry.getValue());
            }
        }
        for (String key : previous.keySet()) {
            if (!next.containsKey(key)) {
                remove(map + "." + name(key));
            }
        }
    }

    private void append(String attribute, List<AttributeValue> tail) {
        String path = name(attribute);
        String value = value(AttributeValue.fromL(tail));
        clause(set, "SET ").append(path).append(" = list_append(").append(path).append(", ").append(value).append(')');
        appended.put(attribute, tail.size());
    }

    /** Adds {@code path = value} to the SET clause. */
    void set(String path, AttributeValue value) {
        clause(set, "SET ").append(path).append(" = ").append(value(value));
    }

    /** Adds a raw {@code path = expression} to the SET clause, e.g. an increment. */
    void setExpression(String path, String expression) {
        clause(set, "SET ").append(path).append(" = ").append(expression);
    }

    private void remove(String path) {
        clause(remove, " REMOVE ").append(path);
    }

    private static StringBuilder clause(StringBuilder clause, String keyword) {
        return clause.append(clause.isEmpty() ? keyword : ", ");
    }

    /** A placeholder for an attribute name. */
    String name(String attribute) {
        return placeholders.computeIfAbsent(attribute, a -> {
            String placeholder = "#n" + names.size();
            names.put(placeholder, a);
            return placeholder;
        });
    }

    /** A placeholder for a value. */
    String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, Objects.requireNonNull(value));
        return placeholder;
    }

    /** How many entries are appended to {@code attribute}'s list, 0 when it is not appended to. */
    int appendedTo(String attribute) {
        return appended.getOrDefault(attribute, 0);
    }

    /** The top-level attributes the update writes, in whole or in part. */
    Set<String> touched() {
        return touched;
    }

    String expression() {
        return set + remove.toString();
    }

    Map<String, String> names() {
        return names;
    }

    Map<String, AttributeValue> values() {
        return values;
    }
}
