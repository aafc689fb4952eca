/** XEP-0030: Service Discovery, info and items of the server and of its accounts. */
package org.parley.im.disco;
