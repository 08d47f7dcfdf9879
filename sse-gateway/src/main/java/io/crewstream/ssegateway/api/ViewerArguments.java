package io.crewstream.ssegateway.api;

import io.crewstream.ssegateway.security.Viewer;
import io.crewstream.ssegateway.security.Viewers;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;

/**
 * Lets a controller method take the request's {@link Viewer} as a parameter, resolved by {@link Viewers#current}
 * (the one way to learn who is calling). The argument is resolved without blocking before the method runs, so a method
 * that blocks (a synchronous return type) still runs where {@link BlockingHandlers} puts it, never on an event loop.
 * Stateless.
 */
@Configuration(proxyBeanMethods = false)
public class ViewerArguments implements WebFluxConfigurer {

    private final Viewers viewers;

    public ViewerArguments(Viewers viewers) {
        this.viewers = viewers;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new Resolver(this.viewers));
    }

    private static final class Resolver implements HandlerMethodArgumentResolver {

        private final Viewers viewers;

        Resolver(Viewers viewers) {
            this.viewers = viewers;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == Viewer.class;
        }

        @Override
        public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
                ServerWebExchange exchange) {
            return this.viewers.current(exchange).cast(Object.class);
        }
    }
}
