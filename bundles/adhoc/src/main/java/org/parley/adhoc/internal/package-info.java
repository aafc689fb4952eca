/** XEP-0050 ad-hoc commands: one dispatcher for every bundle's commands, their sessions and their disco. */
package org.parley.adhoc.internal;
