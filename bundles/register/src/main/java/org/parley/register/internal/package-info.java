/** In-band registration (XEP-0077). Private to the register bundle. */
package org.parley.register.internal;
