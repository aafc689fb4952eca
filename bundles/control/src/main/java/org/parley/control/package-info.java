/**
 * The control protocol between {@code bin/parley} and a Parley instance: the command-line tool
 * sends a command's words over a local Unix-domain socket, the server runs the matching Gogo
 * command and answers with an exit code and the output.
 */
@Export
@Version("1.0.0")
package org.parley.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
