/**
 * RFC 6121 rosters, presence subscriptions and presence broadcast, with XEP-0237 roster
 * versioning and RFC 6121 section 3.4 subscription pre-approval. Private to the roster bundle.
 */
package org.parley.roster.internal;
