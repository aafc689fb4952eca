package org.parley.auth.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.StorageException;
import org.parley.api.storage.UserStore;

/** A real, map-based UserStore for the auth tests; {@link #failing} makes every call fail like a lost database. */
class InMemoryUserStore implements UserStore {
    private final ConcurrentSkipListMap<String, Map<ScramHash, ScramCredential>> accounts = new ConcurrentSkipListMap<>();
    volatile boolean failing;
    volatile int upsertCalls;

    private void check() {
        if (failing) {
            throw new StorageException("database unreachable", null);
        }
    }

    private static Map<ScramHash, ScramCredential> byHash(List<ScramCredential> credentials) {
        Map<ScramHash, ScramCredential> map = new EnumMap<>(ScramHash.class);
        credentials.forEach(c -> map.put(c.hash(), c));
        return map;
    }

    @Override
    public boolean create(String username, List<ScramCredential> credentials) {
        check();
        return accounts.putIfAbsent(username, byHash(credentials)) == null;
    }

    @Override
    public synchronized void upsertAll(Map<String, List<ScramCredential>> batch) {
        check();
        upsertCalls++;
        batch.forEach((name, credentials) -> accounts.put(name, byHash(credentials)));
    }

    @Override
    public boolean setCredentials(String username, List<ScramCredential> credentials) {
        check();
        return accounts.replace(username, byHash(credentials)) != null;
    }

    @Override
    public boolean delete(String username) {
        check();
        return accounts.remove(username) != null;
    }

    @Override
    public boolean exists(String username) {
        check();
        return accounts.containsKey(username);
    }

    @Override
    public Optional<ScramCredential> credential(String username, ScramHash hash) {
        check();
        Map<ScramHash, ScramCredential> credentials = accounts.get(username);
        return credentials == null ? Optional.empty() : Optional.ofNullable(credentials.get(hash));
    }

    @Override
    public List<String> list(int offset, int limit) {
        check();
        return new ArrayList<>(accounts.keySet()).stream().skip(offset).limit(limit).toList();
    }

    @Override
    public int count() {
        check();
        return accounts.size();
    }
}
