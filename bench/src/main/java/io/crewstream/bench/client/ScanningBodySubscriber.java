package io.crewstream.bench.client;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP response body fed straight into an {@link SseByteScanner}. The JDK HTTP client calls it on its executor,
 * never concurrently for one response (Reactive Streams rule 1.3).
 */
final class ScanningBodySubscriber implements HttpResponse.BodySubscriber<Void> {

    private final SseByteScanner scanner;

    private final CompletableFuture<Void> body = new CompletableFuture<>();

    ScanningBodySubscriber(SseByteScanner scanner) {
        this.scanner = scanner;
    }

    @Override
    public CompletionStage<Void> getBody() {
        return this.body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            this.scanner.feed(buffer);
        }
    }

    @Override
    public void onError(Throwable failure) {
        this.body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        this.body.complete(null);
    }
}
