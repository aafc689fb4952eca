/** XEP-0092: Software Version, answered for the server itself. */
package org.parley.im.version;
