/**
 * A password file replicated from another system ({@code user:hash} lines in bcrypt,
 * SHA-512-crypt, SHA-256-crypt or Apache APR1) as a source of passwords and accounts.
 */
package org.parley.passwordfile.internal;
