/** XEP-0012: Last Activity, answered for the server itself (its uptime). */
package org.parley.im.last;
