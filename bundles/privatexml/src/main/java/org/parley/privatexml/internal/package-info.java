/** Private XML storage (XEP-0049). Private to the privatexml bundle. */
package org.parley.privatexml.internal;
