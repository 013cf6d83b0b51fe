package dev.rbmrevoker.webhook;

import java.util.Optional;

/** Where failed webhook forwards wait for the sweep. Changes are conditional on the version read. */
public interface ForwardStore {

    /** Stores a new pending forward; a second one with the same id (a replayed envelope) is ignored. */
    void add(PendingForward forward);

    Optional<PendingForward> get(String id);

    /** Replaces {@code from} by {@code to} if nobody changed it: the stored one, or empty when someone did. */
    Optional<PendingForward> update(PendingForward from, PendingForward to);

    /** Removes it if nobody changed it; false when someone did. */
    boolean remove(PendingForward forward);
}
