package org.parley.auth.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.UserStore;

/** Accounts in a map: the benchmarks measure SASL, not the database. */
final class MemoryUserStore implements UserStore {
    private final Map<String, Map<ScramHash, ScramCredential>> accounts = new ConcurrentHashMap<>();

    @Override
    public boolean create(String username, List<ScramCredential> credentials) {
        Map<ScramHash, ScramCredential> byHash = new EnumMap<>(ScramHash.class);
        credentials.forEach(c -> byHash.put(c.hash(), c));
        return accounts.putIfAbsent(username, byHash) == null;
    }

    @Override
    public void upsertAll(Map<String, List<ScramCredential>> batch) {
        batch.forEach((name, credentials) -> {
            accounts.remove(name);
            create(name, credentials);
        });
    }

    @Override
    public boolean setCredentials(String username, List<ScramCredential> credentials) {
        return accounts.remove(username) != null && create(username, credentials);
    }

    @Override
    public boolean delete(String username) {
        return accounts.remove(username) != null;
    }

    @Override
    public boolean exists(String username) {
        return accounts.containsKey(username);
    }

    @Override
    public Optional<ScramCredential> credential(String username, ScramHash hash) {
        Map<ScramHash, ScramCredential> credentials = accounts.get(username);
        return credentials == null ? Optional.empty() : Optional.ofNullable(credentials.get(hash));
    }

    @Override
    public List<String> list(int offset, int limit) {
        return accounts.keySet().stream().sorted().skip(offset).limit(limit).toList();
    }

    @Override
    public int count() {
        return accounts.size();
    }
}
