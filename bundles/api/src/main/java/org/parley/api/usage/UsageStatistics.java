package org.parley.api.usage;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The usage figures the admin console shows and monitoring exports. Registered by the
 * {@code usage} bundle. {@link #now} and {@link #history} are in memory and never block; the
 * weekly figures are kept in storage, so a restart does not reset them.
 */
@ProviderType
public interface UsageStatistics {
    /** The figures now; its rates are those of the latest sampling interval. */
    UsageSample now();

    /** The samples of the last hours (as configured), oldest first, for charts. */
    List<UsageSample> history();

    /**
     * Distinct users of this week and the weeks before it, newest first, at most {@code weeks} of
     * them (a week nobody signed in is listed with 0). Read on the shared worker pool.
     */
    CompletionStage<List<WeeklyUsers>> weeklyUsers(int weeks);
}
