package org.parley.api.roster;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Defines shared roster groups. Registered as a service with the {@link #NAME} property; the
 * roster bundle shows the members of every group to each other, and pushes the change to online
 * members when a source says its groups changed.
 *
 * <p>While a source is replaced (its bundle is upgraded) the roster keeps showing its last
 * groups for a short grace period, so a successor registered under the same {@link #NAME} takes
 * over without members seeing each other disappear and come back.
 */
@ConsumerType
public interface SharedGroupSource {
    /** Service property: the source's stable name (for example {@code config} or {@code ldap}). */
    String NAME = "parley.sharedgroups.source";

    /**
     * The groups as the source knows them now. Must not block: a source that reads a directory
     * answers from what it read last.
     */
    List<SharedGroup> groups();

    /**
     * Asks to be told when {@link #groups()} may answer differently. The listener may be called
     * on any thread and must not block.
     *
     * @return closes the watch; the roster closes it when it lets go of the source
     */
    Watch watch(Runnable changed);

    /** An open {@link #watch}. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
