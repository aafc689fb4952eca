package org.parley.launcher.linkfixture;

/** ClassDataLinkerTest's bundle: a class only the verifier of {@link Holder} loads. */
public class Base {
}
