package org.parley.roster.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.roster.SharedGroup;
import org.parley.api.roster.SharedGroupSource;
import org.parley.api.server.StateHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@link SharedGroupSource} says, merged into who shares a group with whom. The
 * roster shows each such pair to each other as an item with subscription both (see
 * {@link RosterService}); this class only knows membership and tells its listener which pairs
 * changed.
 *
 * <p>A source that goes away (its bundle is upgraded) keeps its last groups for a grace period, so
 * that a successor under the same name takes over without a flicker of removals and re-adds; the
 * groups are also handed to this component's own successor, so the roster bundle's upgrade pushes
 * nothing and loses no presence.
 */
@Component(service = SharedRosterGroups.class, immediate = true)
public final class SharedRosterGroups {
    private static final Logger LOG = LoggerFactory.getLogger(SharedRosterGroups.class);
    static final String HANDOFF_KEY = "org.parley.roster.SharedRosterGroups";
    static final int HANDOFF_FORMAT = 1;
    static final long GRACE_MILLIS = 5_000;

    /** A pair whose shared groups changed: {@code contact}'s groups as {@code username} sees them. */
    record PairChange(String username, String contact, Set<String> before, Set<String> after) {
    }

    /**
     * Who is in which group, both ways. Pairs are not kept: a directory group of 10,000 members
     * would make 10^8 of them; a user's contacts are worked out from their groups when asked.
     */
    record View(Map<String, Set<String>> membersByGroup, Map<String, SortedSet<String>> groupsByUser) {
        static final View EMPTY = new View(Map.of(), Map.of());

        static View of(Map<String, List<SharedGroup>> bySource) {
            Map<String, Set<String>> members = new HashMap<>();
            Map<String, SortedSet<String>> groups = new HashMap<>();
            for (List<SharedGroup> list : bySource.values()) {
                for (SharedGroup g : list) {
                    // One name from two sources (or two directory branches) is one roster group.
                    members.computeIfAbsent(g.name(), k -> new HashSet<>()).addAll(g.members());
                    for (String m : g.members()) {
                        groups.computeIfAbsent(m, k -> new TreeSet<>()).add(g.name());
                    }
                }
            }
            return new View(members, groups);
        }

        Set<String> members(String group) {
            return membersByGroup.getOrDefault(group, Collections.emptySet());
        }

        /** The other members of the user's groups, each with the groups they share. */
        Map<String, SortedSet<String>> of(String username) {
            SortedSet<String> mine = groupsByUser.get(username);
            if (mine == null) {
                return Collections.emptyMap();
            }
            Map<String, SortedSet<String>> result = new TreeMap<>();
            for (String g : mine) {
                for (String other : members(g)) {
                    if (!other.equals(username)) {
                        result.computeIfAbsent(other, k -> new TreeSet<>()).add(g);
                    }
                }
            }
            return result;
        }

        /** The groups two users share. */
        SortedSet<String> shared(String username, String contact) {
            SortedSet<String> mine = groupsByUser.get(username);
            SortedSet<String> theirs = groupsByUser.get(contact);
            if (mine == null || theirs == null || username.equals(contact)) {
                return Collections.emptySortedSet();
            }
            SortedSet<String> both = new TreeSet<>(mine);
            both.retainAll(theirs);
            return both;
        }
    }

    private final StateHandoff handoff;
    private final Executor later;
    private final long graceMillis;
    private final Map<String, List<SharedGroup>> bySource = new ConcurrentHashMap<>();
    /** The sources bound now, by name, with their watch. */
    private final Map<String, Bound> bound = new ConcurrentHashMap<>();
    private final List<Consumer<List<PairChange>>> listeners = new CopyOnWriteArrayList<>();
    private volatile View view = View.EMPTY;
    private final Object recomputing = new Object();

    private record Bound(SharedGroupSource source, SharedGroupSource.Watch watch) {
    }

    @Activate
    public SharedRosterGroups(@Reference StateHandoff handoff) {
        this(handoff, GRACE_MILLIS);
    }

    SharedRosterGroups(StateHandoff handoff, long graceMillis) {
        this.handoff = handoff;
        this.graceMillis = graceMillis;
        this.later = CompletableFuture.delayedExecutor(graceMillis, TimeUnit.MILLISECONDS);
        takeOver();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeSource")
    void addSource(SharedGroupSource source, Map<String, Object> properties) {
        String name = nameOf(source, properties);
        SharedGroupSource.Watch watch = source.watch(() -> refresh(name, source));
        Bound previous = bound.put(name, new Bound(source, watch));
        if (previous != null) {
            LOG.warn("Two shared group sources are named '{}'; the newer one is used", name);
            previous.watch().close();
        }
        refresh(name, source);
    }

    void removeSource(SharedGroupSource source, Map<String, Object> properties) {
        String name = nameOf(source, properties);
        Bound b = bound.get(name);
        if (b == null || b.source() != source) {
            return;
        }
        bound.remove(name, b);
        b.watch().close();
        // A successor under the same name within the grace period takes over what this one said.
        later.execute(() -> {
            if (!bound.containsKey(name) && bySource.remove(name) != null) {
                LOG.info("The shared group source '{}' did not come back; its groups are no longer shared", name);
                recompute();
            }
        });
    }

    private static String nameOf(SharedGroupSource source, Map<String, Object> properties) {
        Object name = properties.get(SharedGroupSource.NAME);
        return name != null ? name.toString() : source.getClass().getName();
    }

    private void refresh(String name, SharedGroupSource source) {
        Bound b = bound.get(name);
        if (b == null || b.source() != source) {
            return; // a late call from a source we let go of
        }
        List<SharedGroup> groups;
        try {
            groups = List.copyOf(source.groups());
        } catch (RuntimeException e) {
            LOG.error("The shared group source '{}' failed; keeping what it said before", name, e);
            return;
        }
        if (!groups.equals(bySource.put(name, groups))) {
            recompute();
        }
    }

    /** Sets the groups of a source directly; for tests and for the handoff. */
    void put(String name, List<SharedGroup> groups) {
        bySource.put(name, List.copyOf(groups));
        recompute();
    }

    private void recompute() {
        List<PairChange> changes;
        synchronized (recomputing) {
            View before = view;
            View after = View.of(bySource);
            view = after;
            changes = diff(before, after);
        }
        if (!changes.isEmpty()) {
            LOG.info("Shared roster groups changed: {} pair(s) of members see each other differently", changes.size());
            for (Consumer<List<PairChange>> l : listeners) {
                try {
                    l.accept(changes);
                } catch (RuntimeException e) {
                    LOG.error("A shared group change was not applied", e);
                }
            }
        }
    }

    /**
     * The pairs whose shared groups differ: only pairs with a member who joined or left a group
     * can, so the work is the moved members times their groups' sizes, not every pair.
     */
    static List<PairChange> diff(View before, View after) {
        Set<String> names = new HashSet<>(before.membersByGroup().keySet());
        names.addAll(after.membersByGroup().keySet());
        Set<List<String>> pairs = new java.util.LinkedHashSet<>();
        for (String name : names) {
            Set<String> b = before.members(name);
            Set<String> a = after.members(name);
            if (b.equals(a)) {
                continue;
            }
            Set<String> all = new HashSet<>(b);
            all.addAll(a);
            for (String moved : all) {
                if (b.contains(moved) == a.contains(moved)) {
                    continue;
                }
                for (String other : all) {
                    if (!other.equals(moved)) {
                        pairs.add(List.of(moved, other));
                        pairs.add(List.of(other, moved));
                    }
                }
            }
        }
        List<PairChange> changes = new ArrayList<>();
        for (List<String> pair : pairs) {
            Set<String> gb = before.shared(pair.get(0), pair.get(1));
            Set<String> ga = after.shared(pair.get(0), pair.get(1));
            if (!gb.equals(ga)) {
                changes.add(new PairChange(pair.get(0), pair.get(1), gb, ga));
            }
        }
        return changes;
    }

    void listen(Consumer<List<PairChange>> listener) {
        listeners.add(listener);
    }

    void unlisten(Consumer<List<PairChange>> listener) {
        listeners.remove(listener);
    }

    /** The members {@code username} shares a group with (usernames), with the group names. */
    Map<String, SortedSet<String>> contactsOf(String username) {
        return view.of(username);
    }

    /** The groups {@code username} shares with {@code contact}, empty when none. */
    Set<String> shared(String username, String contact) {
        return view.shared(username, contact);
    }

    /**
     * A short, stable tag of what the user's shared contacts are, part of the roster version
     * (XEP-0237): a membership change changes it, so a client holding an older version gets the
     * whole roster. Empty when the user shares no group.
     */
    String tag(String username) {
        Map<String, SortedSet<String>> contacts = view.of(username);
        if (contacts.isEmpty()) {
            return "";
        }
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (Map.Entry<String, SortedSet<String>> e : contacts.entrySet()) { // sorted: of() gives a TreeMap
            h = fnv(h, e.getKey());
            for (String g : e.getValue()) {
                h = fnv(fnv(h, "\u0000"), g);
            }
            h = fnv(h, "\u0001");
        }
        return Long.toHexString(h);
    }

    private static long fnv(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    // ---- handing over to the next version ----

    private void takeOver() {
        Map<String, Object> snapshot = handoff.take(HANDOFF_KEY).orElse(null);
        if (snapshot == null) {
            return;
        }
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The shared groups handed over have format {}, not {}; starting without them", snapshot.get("format"), HANDOFF_FORMAT);
            return;
        }
        if (snapshot.get("sources") instanceof Map<?, ?> sources) {
            for (Map.Entry<?, ?> source : sources.entrySet()) {
                List<SharedGroup> groups = new ArrayList<>();
                if (source.getValue() instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof List<?> g && g.size() == 2 && g.get(0) instanceof String name && !name.isEmpty()
                                && g.get(1) instanceof List<?> members) {
                            Set<String> m = new HashSet<>();
                            members.forEach(x -> m.add(Objects.toString(x)));
                            groups.add(new SharedGroup(name, m));
                        }
                    }
                }
                bySource.put(String.valueOf(source.getKey()), List.copyOf(groups));
                // Until its successor binds; one that never does is dropped like a source that left.
                String name = String.valueOf(source.getKey());
                later.execute(() -> {
                    if (!bound.containsKey(name) && bySource.remove(name) != null) {
                        recompute();
                    }
                });
            }
        }
        view = View.of(bySource);
        LOG.info("Took over {} shared group source(s)", bySource.size());
    }

    @Deactivate
    void deactivate() {
        for (Bound b : bound.values()) {
            b.watch().close();
        }
        Map<String, Object> sources = new HashMap<>();
        bySource.forEach((name, groups) -> {
            List<Object> list = new ArrayList<>();
            for (SharedGroup g : groups) {
                list.add(List.of(g.name(), List.copyOf(g.members())));
            }
            sources.put(name, list);
        });
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "sources", sources));
    }

    long graceMillis() {
        return graceMillis;
    }
}
