package org.parley.storage.jdbc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.parley.storage.jdbc}: the server's database, for accounts and feature bundles alike. */
@ObjectClassDefinition(id = JdbcStoreConfig.PID, name = "Parley JDBC storage",
        description = "The server's database: accounts and credentials, and the tables of feature bundles. Embedded H2 by default, PostgreSQL by URL.")
public @interface JdbcStoreConfig {
    String PID = "org.parley.storage.jdbc";

    @AttributeDefinition(name = "JDBC URL", required = false,
            description = "jdbc:h2:... or jdbc:postgresql://host:port/db. Empty: an embedded H2 database in ${parley.data}/db/parley.")
    String url() default "";

    @AttributeDefinition(name = "User", required = false, description = "Database user (empty for the embedded default).")
    String user() default "";

    @AttributeDefinition(name = "Password", required = false, type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(name = "Maximum pool size", min = "1", max = "1000",
            description = "Most connections the pool opens at once.")
    int maxPoolSize() default 8;
}
