package org.parley.storage.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;

/**
 * Tells the admin console what {@link JdbcStorageComponent} would refuse: {@link StoreSettings#from},
 * its one check of the settings. Whether the database can be opened and migrated is found only
 * by opening it; that is still the component's to refuse (the old database stays).
 */
@Component(property = ConfigurationChecker.PID + "=" + JdbcStoreConfig.PID)
public final class JdbcStoreConfigChecker implements ConfigurationChecker {
    private final String dataDirectory;

    @Activate
    public JdbcStoreConfigChecker(BundleContext context) {
        this(context.getProperty("parley.data"));
    }

    JdbcStoreConfigChecker(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        problems.addAll(ConfigurationChecks.check(JdbcStoreConfig.class, proposed, c -> {
            try {
                StoreSettings.from(c, proposed, dataDirectory);
            } catch (StoreSettings.InvalidSettingsException e) {
                for (String p : e.getMessage().split("; (?=key ')")) { // the exception joins one message per key
                    problems.add(ConfigurationChecks.problem(JdbcStoreConfig.class, p));
                }
            }
        }));
        return problems;
    }
}
