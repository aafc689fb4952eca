/** The usage figures: sampling, the in-memory history, and distinct users per ISO week in storage. */
package org.parley.usage.internal;
