package org.parley.launcher.linkfixture;

/** ClassDataLinkerTest's bundle: verifying {@link Holder#pick()} must load this class to see it is a {@link Base}. */
public class Derived extends Base {
}
