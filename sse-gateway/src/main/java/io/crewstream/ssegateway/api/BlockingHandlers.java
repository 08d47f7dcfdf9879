package io.crewstream.ssegateway.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Runs the controller methods that block (every one whose return type is not reactive: the table's lock, a
 * rendered refresh, the replay and usage questions that read Kafka for seconds) on a pool of their own
 * ({@code blockingHandlerExecutor}), never on an event loop, where they would hold up every stream the loop writes.
 * The event stream itself returns a {@code Mono} and stays on its loop.
 */
@Configuration(proxyBeanMethods = false)
public class BlockingHandlers implements WebFluxConfigurer {

    private final AsyncTaskExecutor blockingHandlerExecutor;

    public BlockingHandlers(AsyncTaskExecutor blockingHandlerExecutor) {
        this.blockingHandlerExecutor = blockingHandlerExecutor;
    }

    @Override
    public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
        configurer.setExecutor(this.blockingHandlerExecutor);
    }
}
