/**
 * The mail hook: a mail to a user who is away when someone writes to them (the offline storage
 * event), through SMTP, at most one per sender per interval. Nothing here is API: the bundle
 * only listens to {@code org.parley.api.offline}.
 */
package org.parley.mailhook.internal;
