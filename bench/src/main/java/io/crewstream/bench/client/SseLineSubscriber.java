package io.crewstream.bench.client;

import java.util.concurrent.Flow;

/**
 * Feeds the lines of one HTTP response body into an {@link SseEventParser}. The JDK HTTP client calls it on its
 * executor, never concurrently for one response (Reactive Streams rule 1.3).
 */
final class SseLineSubscriber implements Flow.Subscriber<String> {

    private final SseEventParser parser;

    private final SseListener listener;

    SseLineSubscriber(SseListener listener) {
        this.listener = listener;
        this.parser = new SseEventParser(listener);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        this.parser.line(line);
    }

    @Override
    public void onError(Throwable failure) {
        this.listener.onClosed(failure);
    }

    @Override
    public void onComplete() {
        this.listener.onClosed(null);
    }
}
