package org.parley.launcher.linkfixture;

/**
 * ClassDataLinkerTest's bundle: linking this class verifies {@link #pick()}, which loads
 * {@link Derived}; initialising it would set {@link #INITIALISED}.
 */
public class Holder {
    public static final String INITIALISED = "parley.test.linkfixture.initialised";

    static {
        System.setProperty(INITIALISED, "true");
    }

    public static Base pick() {
        return new Derived();
    }
}
