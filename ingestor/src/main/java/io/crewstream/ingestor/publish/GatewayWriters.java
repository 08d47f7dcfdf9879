package io.crewstream.ingestor.publish;

import java.time.Duration;

/**
 * Fenced write access to the topics, one writer per gateway. Kafka's transactional producer does the fencing: each
 * gateway has one transactional id, the same in every ingestor instance, and {@link #open opening} it
 * ({@code initTransactions}) makes this instance the gateway's only writer: Kafka refuses every later write of a
 * producer that opened it before (an instance that lost the gateway while frozen or cut off), and read-committed
 * readers never see what such a producer had left uncommitted.
 *
 * <p>Records for a gateway whose writer is not open are not written; they fail at once, without marking publishing
 * degraded (the instance does not own the gateway, so nothing of the gateway is lost by refusing them).
 *
 * <p>Threading: every method may be called from any thread; {@link #open} and {@link #close} block, so call them
 * from a thread that may wait (the ownership thread), never from a producer callback.
 */
public interface GatewayWriters {

    /**
     * Makes this instance the only writer for the connection. Blocks until Kafka confirmed it or {@code timeout}
     * passed. Opening a connection that is open already opens it anew (and fences this instance's earlier producer).
     *
     * @throws WriterUnavailableException when Kafka did not confirm in time or refused (the caller may try again
     *     while it still owns the gateway)
     */
    void open(String connectionId, Duration timeout);

    /**
     * Writes what was handed over for the connection (waiting up to {@code timeout} for Kafka to commit it), then
     * gives up writing for it. Does nothing for a connection that is not open.
     */
    void close(String connectionId, Duration timeout);

    /** Whether the connection's writer is open and was not lost. */
    boolean isOpen(String connectionId);

    /**
     * Registers the one listener told when a connection's writer can write no more: fenced (another instance opened
     * the gateway's writer: this one no longer owns it) or failed for good. It runs on a publisher thread and must
     * be short (hand work to another thread).
     */
    void onWriterLost(WriterLostListener listener);

    /** Told when a gateway's writer stopped being able to write. */
    @FunctionalInterface
    interface WriterLostListener {

        /**
         * @param fenced true when Kafka fenced the writer (another instance owns the gateway now); false when it
         *     failed for another reason that a new producer may not have (the owner may open it again)
         * @param reason for logs and health, without secrets
         */
        void writerLost(String connectionId, boolean fenced, String reason);
    }

    /** Kafka did not make this instance the gateway's writer. */
    final class WriterUnavailableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public WriterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
