package io.crewstream.testsupport.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a real {@link KafkaBroker}, shared by every test in the JVM: it is kept in the root context's store,
 * started by the first test that asks and closed by JUnit when the run ends. Use with
 * {@code @ExtendWith(KafkaBrokerExtension.class)} and a {@code KafkaBroker} parameter on a constructor, a test or a
 * lifecycle method.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedBroker(extensionContext);
    }

    /** The JVM's broker, started on first use. */
    public static KafkaBroker sharedBroker(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(KafkaBroker.class, key -> KafkaBrokers.start(), KafkaBroker.class);
    }
}
