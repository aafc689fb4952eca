/** Mail to IM: the HTTPS endpoint a mail system calls when mail arrives. Private to the mailtoim bundle. */
package org.parley.mailtoim.internal;
