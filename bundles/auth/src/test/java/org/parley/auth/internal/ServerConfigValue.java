package org.parley.auth.internal;

import java.lang.annotation.Annotation;

/** A {@link ServerConfig} as SCR would build it from a configuration. */
record ServerConfigValue(String domain) implements ServerConfig {
    @Override
    public Class<? extends Annotation> annotationType() {
        return ServerConfig.class;
    }
}
