package io.crewstream.ingestor.upstream;

/**
 * What a {@link GatewaySocket} reports. Called on the HTTP client's threads, one message at a time; implementations
 * hand the work to their own thread and return.
 */
interface FrameListener {

    /** The socket is open; called before any message. */
    void onOpen(java.net.http.WebSocket socket);

    /** A complete text message within the size limit. */
    void onText(String text, int sizeBytes, long receivedAt);

    /**
     * A message larger than the size limit; its content was discarded as it arrived.
     *
     * @param head the first characters, for the log and the raw-frame record
     */
    void onOversized(String head, long sizeBytes, long receivedAt);

    /** A binary message: the protocol has none. */
    void onBinary(int sizeBytes, long receivedAt);

    void onClosed(int statusCode, String reason);

    void onFailed(Throwable error);
}
