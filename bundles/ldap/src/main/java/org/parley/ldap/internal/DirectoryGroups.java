package org.parley.ldap.internal;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.directory.api.ldap.model.filter.FilterParser;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.api.ldap.model.name.Rdn;
import org.jxmpp.jid.parts.Localpart;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.roster.SharedGroup;
import org.parley.api.roster.SharedGroupSource;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared roster groups from directory groups: every group {@code groupFilter} selects under
 * {@code groupBaseDn} is shared under its {@code groupNameAttribute}, with the members of
 * {@code groupMemberAttribute} that are accounts (entries the user filter selects, by DN for
 * {@code member}/{@code uniqueMember}, by username for {@code memberUid}). Read on the worker
 * pool every {@code groupRefreshSeconds} and at once after a configuration change; the roster is
 * told when the answer differs. While the directory is down the last groups stay.
 *
 * <p>It reads the same PID as {@link LdapProvider} but only its own keys, which depend on nothing
 * else: an invalid group key is refused (logged with the key, the previous group settings stay)
 * without touching sign-in.
 */
@Component(service = SharedGroupSource.class, configurationPid = LdapConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SharedGroupSource.NAME + "=ldap", immediate = true)
public final class DirectoryGroups implements SharedGroupSource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryGroups.class);
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+");

    /** The group keys as checked values; an empty base means no groups from the directory. */
    record Settings(String base, String filter, String nameAttribute, String memberAttribute, long refreshNanos) {
        boolean on() {
            return !base.isEmpty();
        }
    }

    private final Supplier<UserLookup> directory;
    private final WorkerPool workers;
    private final LongSupplier clock;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final ScheduledExecutorService timer;
    private volatile Settings settings = new Settings("", "", "cn", "member", TimeUnit.SECONDS.toNanos(300));
    private volatile List<SharedGroup> groups = List.of();
    /** What the last read was made with: a new directory or new settings are read at once. */
    private volatile Object readWith;
    private volatile long nextRead;
    private volatile boolean failing;

    @Activate
    public DirectoryGroups(@Reference LdapProvider provider, @Reference WorkerPool workers, LdapConfig config) {
        this(provider::directory, workers, System::nanoTime);
        modified(config);
        timer.scheduleWithFixedDelay(() -> tick(), 1, 1, TimeUnit.SECONDS);
    }

    DirectoryGroups(Supplier<UserLookup> directory, WorkerPool workers, LongSupplier clock) {
        this.directory = directory;
        this.workers = workers;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-ldap-groups");
            t.setDaemon(true);
            return t;
        });
    }

    @Modified
    void modified(LdapConfig config) {
        List<LdapSettings.Problem> problems = new ArrayList<>();
        Settings parsed = parse(config, problems);
        if (!problems.isEmpty()) {
            for (LdapSettings.Problem p : problems) {
                LOG.error("{}; keeping the previous group settings", p);
            }
            return;
        }
        if (!parsed.equals(settings)) {
            settings = parsed;
            if (parsed.on()) {
                LOG.info("Shared roster groups from the directory: {} under {}, name {}, members {}", parsed.filter(), parsed.base(),
                        parsed.nameAttribute(), parsed.memberAttribute());
            }
        }
    }

    static Settings parse(LdapConfig c, List<LdapSettings.Problem> problems) {
        String base = c.groupBaseDn() == null ? "" : c.groupBaseDn().trim();
        if (!base.isEmpty() && !Dn.isValid(base)) {
            problems.add(new LdapSettings.Problem("groupBaseDn", "'" + base + "' is not a DN (RFC 4514)"));
        }
        String filter = c.groupFilter() == null ? "" : c.groupFilter().trim();
        try {
            FilterParser.parse(filter);
            if (!filter.startsWith("(") || !filter.endsWith(")")) {
                throw new ParseException("not enclosed in parentheses", 0);
            }
        } catch (ParseException | RuntimeException e) {
            problems.add(new LdapSettings.Problem("groupFilter", "'" + filter + "' is not an RFC 4515 filter: " + e.getMessage()));
        }
        String name = c.groupNameAttribute() == null ? "" : c.groupNameAttribute().trim();
        if (!ATTRIBUTE.matcher(name).matches()) {
            problems.add(new LdapSettings.Problem("groupNameAttribute", "'" + name + "' is not an attribute name or OID"));
        }
        String member = c.groupMemberAttribute() == null ? "" : c.groupMemberAttribute().trim();
        if (!ATTRIBUTE.matcher(member).matches()) {
            problems.add(new LdapSettings.Problem("groupMemberAttribute", "'" + member + "' is not an attribute name or OID"));
        }
        int refresh = c.groupRefreshSeconds();
        if (refresh < 10 || refresh > 86_400) {
            problems.add(new LdapSettings.Problem("groupRefreshSeconds", "must be between 10 and 86400, got " + refresh));
        }
        return new Settings(base, filter, name, member, TimeUnit.SECONDS.toNanos(refresh));
    }

    /** Reads again when due, or at once when the directory or the group settings changed. */
    CompletionStage<Void> tick() {
        UserLookup d = directory.get();
        Settings s = settings;
        Object with = List.of(Objects.requireNonNullElse((Object) d, "none"), s);
        if (!with.equals(readWith) || clock.getAsLong() - nextRead >= 0) {
            return read();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Reads the groups on the worker pool (one read at a time); completes when the answer is in. */
    CompletionStage<Void> read() {
        if (!reading.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        UserLookup d = directory.get();
        Settings s = settings;
        readWith = List.of(Objects.requireNonNullElse((Object) d, "none"), s);
        nextRead = clock.getAsLong() + s.refreshNanos();
        if (d == null || !s.on()) {
            reading.set(false);
            publish(List.of());
            return CompletableFuture.completedFuture(null);
        }
        return workers.submit(() -> read(d.client(), s)).handle((read, e) -> {
            reading.set(false);
            if (e != null) {
                if (!failing) {
                    failing = true;
                    LOG.warn("Shared roster groups could not be read from the directory ({}); keeping the {} read before",
                            DirectoryClient.describe(e), groups.size());
                }
                return null;
            }
            if (failing) {
                failing = false;
                LOG.info("Shared roster groups are read from the directory again");
            }
            if (read != null) {
                publish(read);
            }
            return null;
        });
    }

    private void publish(List<SharedGroup> read) {
        if (!read.equals(groups)) {
            groups = read;
            LOG.info("Shared roster groups from the directory: {}", describe(read));
            watchers.forEach(Runnable::run);
        }
    }

    private static String describe(List<SharedGroup> groups) {
        List<String> parts = new ArrayList<>();
        for (SharedGroup g : groups) {
            parts.add("'" + g.name() + "' (" + g.members().size() + ")");
        }
        return groups.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** The groups as the directory holds them now; null when the group base does not exist. */
    static List<SharedGroup> read(DirectoryClient client, Settings s) throws DirectoryUnavailableException {
        LdapSettings ls = client.settings();
        List<DirectoryClient.Entry> users = client.searchAll(ls.baseDn(), ls.userFilter(), List.of(ls.usernameAttribute()));
        if (users == null) {
            LOG.error("{}: key 'baseDn': '{}' does not exist; no shared groups from the directory", LdapConfig.PID, ls.baseDn());
            return null;
        }
        Map<String, String> byDn = new HashMap<>();
        Set<String> usernames = new HashSet<>();
        for (DirectoryClient.Entry u : users) {
            List<String> names = u.values(ls.usernameAttribute());
            String username = names.size() == 1 ? username(names.get(0)) : null;
            if (username != null) {
                byDn.put(normalized(u.dn()), username);
                usernames.add(username);
            }
        }
        List<DirectoryClient.Entry> found = client.searchAll(s.base(), s.filter(), List.of(s.nameAttribute(), s.memberAttribute()));
        if (found == null) {
            LOG.error("{}: key 'groupBaseDn': '{}' does not exist; keeping the groups read before", LdapConfig.PID, s.base());
            return null;
        }
        // Two groups of one name (in two branches) are one roster group.
        Map<String, Set<String>> byName = new LinkedHashMap<>();
        for (DirectoryClient.Entry g : found) {
            List<String> names = g.values(s.nameAttribute());
            if (names.isEmpty() || names.get(0).isBlank()) {
                continue;
            }
            Set<String> members = byName.computeIfAbsent(names.get(0).strip(), k -> new LinkedHashSet<>());
            for (String value : g.values(s.memberAttribute())) {
                String dn = Dn.isValid(value) && value.indexOf('=') > 0 ? normalized(value) : null;
                String username = dn != null ? byDn.get(dn) : username(value);
                if (username != null && usernames.contains(username)) {
                    members.add(username);
                }
            }
        }
        List<SharedGroup> result = new ArrayList<>();
        byName.forEach((name, members) -> result.add(new SharedGroup(name, members)));
        return List.copyOf(result);
    }

    /** A DN in one spelling: attribute types and values in lower case, no spaces around '=' and ','. */
    static String normalized(String dn) {
        try {
            StringBuilder b = new StringBuilder();
            for (Rdn rdn : new Dn(dn)) {
                if (b.length() > 0) {
                    b.append(',');
                }
                b.append(rdn.getName().strip().replaceAll("\\s*([=+])\\s*", "$1").toLowerCase(Locale.ROOT));
            }
            return b.toString();
        } catch (Exception e) {
            return dn.toLowerCase(Locale.ROOT);
        }
    }

    /** The account name of a directory value as the server prepares it, or null when it cannot be one. */
    private static String username(String value) {
        try {
            return Localpart.from(value.strip()).toString();
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public List<SharedGroup> groups() {
        return groups;
    }

    @Override
    public Watch watch(Runnable changed) {
        watchers.add(changed);
        return () -> watchers.remove(changed);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }
}
