/** The Prometheus text exposition of the server's figures, served on a listener of its own. */
package org.parley.metrics.internal;
