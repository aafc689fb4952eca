/**
 * XEP-0050 Ad-Hoc Commands, the minimum the mail hook needs: one command, executed and completed
 * in a single stage with a XEP-0004 form, listed in service discovery on the commands node.
 * Nothing else in the server offers ad-hoc commands yet; when a second bundle does, the command
 * list belongs in a shared place (the im bundle's disco), not in each bundle.
 */
package org.parley.mailhook.internal.adhoc;
