package org.parley.session.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.IdentityMapper;
import org.parley.concurrent.RankedList;

/** The {@link IdentityMapper}s, asked in ranking order until one knows the identity. */
final class IdentityMappers {
    private final RankedList<IdentityMapper> mappers = new RankedList<>();

    void add(IdentityMapper mapper, int ranking, long serviceId) {
        mappers.add(mapper, ranking, serviceId);
    }

    void remove(IdentityMapper mapper) {
        mappers.removeIf(m -> m == mapper);
    }

    CompletionStage<Optional<String>> map(AuthenticatedIdentity identity) {
        return ask(mappers.values(), 0, identity);
    }

    private static CompletionStage<Optional<String>> ask(List<IdentityMapper> list, int i, AuthenticatedIdentity identity) {
        if (i >= list.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletionStage<Optional<String>> answer;
        try {
            answer = list.get(i).localUser(identity);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return answer.thenCompose(found -> found != null && found.isPresent()
                ? CompletableFuture.completedFuture(found)
                : ask(list, i + 1, identity));
    }
}
