package io.sluice.api;

import io.sluice.conf.Redact;
import io.sluice.net.http.HttpReply;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ApiJson turns API records into JSON replies and request bodies into the JSON-shaped maps the control
 * plane takes. Instants are written as ISO-8601 strings (Jackson 3's default).
 */
final class ApiJson {
    static final String JSON = "application/json; charset=utf-8";
    // A key given twice in a body is a slip, never an intent (as in the YAML loader).
    // Trailing content is checked by parseObject, whose message does not name Jackson's internals.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private ApiJson() {
    }

    static HttpReply reply(int status, Object value) {
        return new HttpReply(status, JSON, MAPPER.writeValueAsBytes(value), List.of())
                .with("Cache-Control", "no-store");
    }

    static HttpReply ok(Object value) {
        return reply(200, value);
    }

    /** The error body every refusal has: the first problem, then all of them. */
    record ErrorJson(int status, String error, List<String> problems) {
    }

    static HttpReply error(int status, List<String> problems) {
        List<String> all = problems.isEmpty() ? List.of("status " + status) : problems;
        return reply(status, new ErrorJson(status, all.getFirst(), all));
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws ApiException 400 naming the JSON error with its line and column, or what came instead of an object
     */
    static Map<String, Object> parseObject(byte[] body) throws ApiException {
        JsonNode node;
        try (JsonParser p = MAPPER.createParser(body)) {
            node = MAPPER.readTree(p);
            if (node != null && p.nextToken() != null) {
                throw new ApiException(400, "invalid JSON" + where(p.currentTokenLocation())
                        + ": more content after the JSON object");
            }
        } catch (JacksonException e) {
            // the message may quote a token of the body; the body is the client's own, but mask URL credentials anyway
            throw new ApiException(400, "invalid JSON" + where(e.getLocation()) + ": "
                    + Redact.text(e.getOriginalMessage()));
        }
        if (node == null || node.isMissingNode()) {
            throw new ApiException(400, "body must be a JSON object, got an empty body");
        }
        if (!node.isObject()) {
            throw new ApiException(400, "body must be a JSON object, got " + kind(node));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.treeToValue(node, Map.class);
        return map;
    }

    private static String where(TokenStreamLocation at) {
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
