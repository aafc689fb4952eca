package org.parley.control.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a new instance (no accounts at all) creates the account {@code admin} with a random
 * password, prints it once and keeps it in {@code data/initial-admin-password} (owner-only), so
 * a fresh server can be signed into at once. An instance with any account is left alone.
 */
@Component(immediate = true)
public final class FirstAdminAccount {
    static final String USERNAME = "admin";
    static final String PASSWORD_FILE = "initial-admin-password";
    private static final Logger LOG = LoggerFactory.getLogger(FirstAdminAccount.class);
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    @Activate
    public FirstAdminAccount(BundleContext context, @Reference UserManager users) {
        try {
            if (users.count() > 0) {
                return;
            }
            String password = randomPassword(20);
            users.create(USERNAME, password);
            Path file = Path.of(context.getProperty("parley.data")).resolve(PASSWORD_FILE);
            writeOwnerOnly(file, password + "\n");
            LOG.warn("Created the first account '{}' with password {} (also in {}). Change it with: bin/parley user passwd {} <new password>",
                    USERNAME, password, file, USERNAME);
        } catch (UserException | IOException | RuntimeException e) {
            LOG.error("Could not create the first admin account: {}", e.getMessage());
        }
    }

    static String randomPassword(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
