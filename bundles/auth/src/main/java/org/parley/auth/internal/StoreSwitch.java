package org.parley.auth.internal;

import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.parley.ds.ComponentSwitch;
import org.parley.api.auth.PasswordAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live switch of password sign-in for local accounts (key {@code localPasswords} of
 * {@code org.parley.auth}). Off disables the {@link StoredPasswordAuthenticator} and the SCRAM
 * mechanisms, whose keys are the store's, so their services leave the registry: PLAIN no longer
 * asks the store, SCRAM is no longer offered (after the session core's grace period, as for any
 * mechanism that leaves) and {@code bin/parley status} no longer lists the store. The accounts and
 * the user manager stay, and signed-in sessions do not depend on these services.
 */
@Component(immediate = true, configurationPid = AuthConfig.PID)
public final class StoreSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSwitch.class);
    static final List<String> COMPONENTS = List.of(StoredPasswordAuthenticator.class.getName(),
            ScramSha1Mechanism.class.getName(), ScramSha256Mechanism.class.getName(),
            ScramSha1PlusMechanism.class.getName(), ScramSha256PlusMechanism.class.getName());

    private final ComponentSwitch components = new ComponentSwitch(StoreSwitch.class, "Local passwords", AuthConfig.PID,
            "localPasswords", COMPONENTS);

    @Activate
    @Modified
    void apply(ComponentContext context, AuthConfig config) {
        boolean wanted = config.localPasswords();
        if (components.apply(context, wanted) && !wanted && otherProviders(context.getBundleContext()) == 0) {
            // Administrators usually have local accounts: say so before someone finds out by being locked out.
            LOG.warn("Local passwords are off and no other password provider is running: no one signs in by password "
                    + "(only by certificate or Kerberos, where configured). Set {} key 'localPasswords' to true to let local "
                    + "accounts in again.", AuthConfig.PID);
        }
    }

    /** Password providers of other bundles (the password file, a directory). */
    private static int otherProviders(BundleContext context) {
        try {
            int n = 0;
            for (ServiceReference<PasswordAuthenticator> ref : context.getServiceReferences(PasswordAuthenticator.class, null)) {
                if (ref.getBundle() != null && ref.getBundle().getBundleId() != context.getBundle().getBundleId()) {
                    n++;
                }
            }
            return n;
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
