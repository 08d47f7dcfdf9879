package io.crewstream.ingestor.upstream;

import tools.jackson.databind.JsonNode;

/**
 * The {@code error} of a failed response.
 *
 * @param detailsCode {@code error.details.code}, e.g. {@code AUTH_TOKEN_MISMATCH}; null when absent
 * @param retryAfterMs when the gateway says when to come back ({@code UNAVAILABLE}, rate limits); null otherwise
 */
record GatewayError(String code, String message, String detailsCode, Long retryAfterMs) {

    static GatewayError from(JsonNode error) {
        JsonNode details = error.path("details");
        Long retryAfter = number(error.get("retryAfterMs"));
        if (retryAfter == null) {
            retryAfter = number(details.get("retryAfterMs"));
        }
        return new GatewayError(error.path("code").asString("UNKNOWN"), error.path("message").asString(""),
                details.path("code").asString(null), retryAfter);
    }

    private static Long number(JsonNode node) {
        return node != null && node.isNumber() && node.asLong() >= 0 ? node.asLong() : null;
    }

    /** The most specific code: the detail code when there is one. */
    String mostSpecificCode() {
        return this.detailsCode != null ? this.detailsCode : this.code;
    }

    boolean isAuthFailure() {
        String specific = mostSpecificCode();
        return specific.startsWith("AUTH_") || specific.startsWith("PAIRING_") || specific.startsWith("DEVICE_")
                || specific.equals("NOT_PAIRED") || specific.equals("OPERATOR_ACCESS_DENIED")
                || this.code.equals("FORBIDDEN");
    }

    boolean isUnavailable() {
        return "UNAVAILABLE".equals(this.code);
    }

    String describe() {
        return mostSpecificCode() + (this.message.isEmpty() ? "" : ": " + this.message);
    }
}
