package org.parley.auth.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.server.Domain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shell commands for operators, {@code user:add alice@example.org secret} and so on. Gogo finds
 * the methods by name, so this class needs no Gogo API. {@code import} is a Java keyword: Gogo
 * looks up a keyword function as the method named with a leading underscore, {@code _import}.
 * Each method returns the line to print or throws a UserException whose message is the error.
 */
@Component(service = Object.class, configurationPid = ServerConfig.PID,
        property = {"osgi.command.scope=user",
            "osgi.command.function=add", "osgi.command.function=passwd", "osgi.command.function=delete",
            "osgi.command.function=list", "osgi.command.function=import", "osgi.command.function=count",
            "osgi.command.function=disable", "osgi.command.function=enable", "osgi.command.function=disabled"})
public final class UserCommands {
    private static final int PAGE = 1000;
    static final String HASHED = "--hashed";
    private static final Logger LOG = LoggerFactory.getLogger(UserCommands.class);

    private final UserManager users;
    /** The served domain as JIDs show it; parsed by the same rules as every bundle's ({@link Domain}). */
    private volatile String domain;

    @Activate
    public UserCommands(@Reference UserManager users, ServerConfig server) {
        this.users = users;
        try {
            this.domain = Domain.parse(server.domain()).toString();
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; using localhost", ServerConfig.PID, e.getMessage());
            this.domain = "localhost";
        }
    }

    /** A domain that is not one is refused and the previous one stays, as in StoreUserManager. */
    @Modified
    void modified(ServerConfig server) {
        try {
            domain = Domain.parse(server.domain()).toString();
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; keeping {}", ServerConfig.PID, e.getMessage(), domain);
        }
    }

    /** The served domain as listed JIDs show it. */
    String domain() {
        return domain;
    }

    public String add(String jid, String password) throws UserException {
        users.create(jid, password);
        return "created " + bare(jid);
    }

    public String passwd(String jid, String password) throws UserException {
        users.setPassword(jid, password);
        return "password of " + bare(jid) + " changed";
    }

    public String delete(String jid) throws UserException {
        users.delete(jid);
        return "deleted " + bare(jid);
    }

    /** Refuses sign-in to the account and ends its sessions; what is stored for it stays. */
    public String disable(String jid) throws UserException {
        users.disable(jid);
        return "disabled " + bare(jid) + "; its sessions were ended";
    }

    public String enable(String jid) throws UserException {
        users.enable(jid);
        return "enabled " + bare(jid);
    }

    /** Every disabled account's JID, one per line, in order. */
    public String disabled() throws UserException {
        StringJoiner out = new StringJoiner("\n");
        for (int offset = 0; ; offset += PAGE) {
            List<String> page = users.listDisabled(offset, PAGE);
            page.forEach(localpart -> out.add(localpart + "@" + domain));
            if (page.size() < PAGE) {
                return out.toString();
            }
        }
    }

    /** Every account's JID, one per line, in order. */
    public String list() throws UserException {
        StringJoiner out = new StringJoiner("\n");
        for (int offset = 0; ; offset += PAGE) {
            List<String> page = users.list(offset, PAGE);
            page.forEach(localpart -> out.add(localpart + "@" + domain));
            if (page.size() < PAGE) {
                return out.toString();
            }
        }
    }

    public String count() throws UserException {
        return Integer.toString(users.count());
    }

    /** {@code user:import FILE}: lines of {@code user-or-jid password}, UTF-8. */
    public String _import(String file) throws UserException {
        return importFile(file, users::importUsers);
    }

    /**
     * {@code user:import --hashed FILE}: lines of {@code user-or-jid credential [credential]} in
     * the RFC 5803 form. An overload rather than a Gogo {@code @Parameter} option, so this class
     * still needs no Gogo API; the control socket passes the words through unchanged.
     */
    public String _import(String option, String file) throws UserException {
        if (!option.equals(HASHED)) {
            throw new UserException("unknown option '" + option + "': the only one is " + HASHED);
        }
        return importFile(file, users::importScramCredentials);
    }

    private interface Importer {
        int importFrom(BufferedReader reader) throws UserException;
    }

    private static String importFile(String file, Importer importer) throws UserException {
        Path path = Path.of(file).toAbsolutePath();
        long start = System.nanoTime();
        int n;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            n = importer.importFrom(reader);
        } catch (IOException e) {
            throw new UserException("cannot read " + path + ": " + e.getMessage(), e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return "imported " + n + " accounts from " + path + " in " + millis + " ms";
    }

    /** The JID to show for what the operator typed: user@domain whether or not a domain was given. */
    private String bare(String jid) {
        String name = jid.trim();
        return name.indexOf('@') >= 0 ? name : name + "@" + domain;
    }
}
