package org.parley.api.offline;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How much offline storage holds, for monitoring. Registered by the offline bundle; reading it
 * asks the database on the shared worker pool, so the caller never blocks.
 *
 * @since 1.1
 */
@ProviderType
public interface OfflineStatistics {
    /** Messages stored for users who are offline, and their stored XML in bytes. */
    record Size(long messages, long bytes) {
    }

    CompletionStage<Size> size();
}
