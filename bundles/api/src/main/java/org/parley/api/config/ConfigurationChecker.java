package org.parley.api.config;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers whether a proposed configuration of one PID would be accepted by the bundle that owns
 * it. Register one per PID, with the service property {@link #PID}; build it on the code the
 * component validates its configuration with when it activates or is modified
 * ({@link ConfigurationChecks#check}), so the admin tools and the component never disagree.
 *
 * <p>Called on an admin request's thread; it must not change anything, and should answer quickly
 * (it may look at the running system, e.g. whether a port is free, but must not block on I/O to
 * other servers).
 */
@ConsumerType
public interface ConfigurationChecker {
    /** Service property: the configuration PID this checker answers for. */
    String PID = "parley.config.pid";

    /**
     * @param proposed the whole configuration as it would be after the change (the values in force
     *        with the change applied), as ConfigurationAdmin would hand it over: values are
     *        usually strings, as read from {@code etc/<pid>.cfg}; a key that is absent takes its default
     * @return the problems, empty when the configuration would be accepted
     */
    List<ConfigurationProblem> check(Map<String, Object> proposed);
}
