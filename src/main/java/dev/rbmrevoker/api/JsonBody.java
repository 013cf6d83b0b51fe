package dev.rbmrevoker.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads request bodies as JSON trees, so that any malformed input becomes a precise 400 and no
 * binding through reflection is needed.
 */
@ApplicationScoped
class JsonBody {

    static final int MAX_BYTES = 256 * 1024;

    private final ObjectMapper mapper;

    JsonBody(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The body as a JSON object whose top-level fields are all in {@code allowed}.
     *
     * @param optional whether an empty body is allowed (read as {@code {}})
     */
    ObjectNode object(byte[] body, Set<String> allowed, boolean optional) {
        if (body != null && body.length > MAX_BYTES) {
            throw ProblemException.of(ProblemType.PAYLOAD_TOO_LARGE,
                    "The body has " + body.length + " bytes; at most " + MAX_BYTES + " are accepted.");
        }
        if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
            if (optional) {
                return mapper.createObjectNode();
            }
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, "The request needs a JSON object body.");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, describe(e));
        } catch (IOException e) {
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, "The body could not be read.");
        }
        if (tree == null || !tree.isObject()) {
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, "The body must be a JSON object.");
        }
        FieldErrors errors = new FieldErrors();
        for (Iterator<String> names = tree.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                errors.add(name, "is not a known field (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        errors.throwIfAny();
        return (ObjectNode) tree;
    }

    /**
     * What is wrong and where, for a client: the parser's own words without its internals (the parser
     * mentions its source settings, such as {@code StreamReadFeature}, and quotes itself).
     */
    static String describe(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int newline = reason.indexOf('\n');
        if (newline >= 0) {
            reason = reason.substring(0, newline);
        }
        int internals = reason.indexOf(" (start marker at");
        if (internals < 0) {
            internals = reason.indexOf("[Source:");
        }
        if (internals >= 0) {
            reason = reason.substring(0, internals);
        }
        reason = reason.replaceAll(" \\(code -?\\d+\\)", "").strip();
        if (reason.length() > 200) {
            reason = reason.substring(0, 200) + "...";
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "The body is not valid JSON" + where + (reason.isEmpty() ? "." : ": " + reason + ".");
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }

    /** SHA-256 of the tree with object keys sorted, so equal requests match however they are spelt. */
    String fingerprint(JsonNode node) {
        try {
            byte[] canonical = mapper.writeValueAsBytes(canonical(node));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            return sorted;
        }
        if (node.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items;
        }
        return node;
    }
}
