package org.parley.storage.jdbc.internal;

import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link JdbcStoreConfig} as SCR would build it from a configuration, and the raw properties
 * beside it, for tests that start the component without a framework.
 */
record TestConfig(String url, String user, String password, int maxPoolSize) implements JdbcStoreConfig {
    static TestConfig embeddedDefault() {
        return new TestConfig("", "", "", 8);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return JdbcStoreConfig.class;
    }

    Map<String, Object> properties() {
        Map<String, Object> map = new HashMap<>();
        map.put("url", url);
        map.put("user", user);
        map.put("password", password);
        map.put("maxPoolSize", maxPoolSize);
        return map;
    }
}
