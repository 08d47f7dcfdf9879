package io.crewstream.ssegateway.usage;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** {@code GET /usage} is the usage page ({@code usage.html}, static: its data comes from {@code /api/usage}). */
@Configuration(proxyBeanMethods = false)
public class UsagePage implements WebMvcConfigurer {

    public static final String PAGE_PATH = "/usage";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController(PAGE_PATH).setViewName("forward:/usage.html");
    }
}
