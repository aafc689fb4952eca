/** XEP-0202: Entity Time, answered for the server itself. */
package org.parley.im.time;
