package dev.rbmrevoker.message;

import static dev.rbmrevoker.message.MessageState.DELIVERED;
import static dev.rbmrevoker.message.MessageState.FALLBACK_FAILED;
import static dev.rbmrevoker.message.MessageState.FALLEN_BACK;
import static dev.rbmrevoker.message.MessageState.PENDING;
import static dev.rbmrevoker.message.MessageState.READ;
import static dev.rbmrevoker.message.MessageState.REJECTED;
import static dev.rbmrevoker.message.MessageState.REVOKED;
import static dev.rbmrevoker.message.MessageState.REVOKING;
import static dev.rbmrevoker.message.MessageState.UNDELIVERABLE;

/**
 * Every allowed transition, in one place. Conflicting evidence is settled by what arrived first: a
 * delivery after a revoke (or the reverse) leaves the state alone and is kept as a history fact.
 * DELIVERED and READ in either order end in READ. The one exception, {@link #ofUnconfirmedRevoke}: a
 * revoke RBM answered 200 is not proof until its confirm window has passed.
 */
public final class Transitions {

    private static final Outcome SAME = new Outcome.Same();
    private static final Outcome REFUSE = new Outcome.Refuse();

    private Transitions() {
    }

    public static Outcome of(MessageState state, Event event) {
        return switch (state) {
            case SENDING -> switch (event) {
                case ACCEPTED -> move(PENDING);
                case UNREACHABLE -> move(UNDELIVERABLE);
                case REJECTED -> move(REJECTED);
                // RBM took the send even though we never heard its answer.
                case DELIVERED -> move(DELIVERED);
                case READ -> move(READ);
                case REVOKED -> move(REVOKED);
                // The deadline passed before the send was confirmed: a revoke settles whether RBM has it.
                case CLAIM_REVOKE -> move(REVOKING);
                default -> REFUSE;
            };
            case PENDING -> switch (event) {
                case ACCEPTED -> SAME;
                case CLAIM_REVOKE -> move(REVOKING);
                case REVOKED -> move(REVOKED);
                case DELIVERED -> move(DELIVERED);
                case READ -> move(READ);
                default -> REFUSE;
            };
            case REVOKING -> switch (event) {
                case ACCEPTED -> SAME;
                // Only once the lease has expired; Message checks the lease.
                case CLAIM_REVOKE -> move(REVOKING);
                case RELEASE_REVOKE -> move(PENDING);
                case REVOKED -> move(REVOKED);
                case DELIVERED -> move(DELIVERED);
                case READ -> move(READ);
                default -> REFUSE;
            };
            case DELIVERED -> switch (event) {
                // A sweep that found the confirm window over, after a delivery overturned the revoke.
                case ACCEPTED, DELIVERED, REVOKE_CONFIRMED -> SAME;
                case READ -> move(READ);
                case REVOKED -> note(Fact.REVOKED_AFTER_DELIVERY);
                default -> REFUSE;
            };
            case READ -> switch (event) {
                case ACCEPTED, DELIVERED, READ, REVOKE_CONFIRMED -> SAME;
                case REVOKED -> note(Fact.REVOKED_AFTER_DELIVERY);
                default -> REFUSE;
            };
            case REVOKED -> switch (event) {
                // A late answer to a send that RBM's own expiry already settled.
                // The fallback was handed over already: a late confirmation changes nothing.
                case ACCEPTED, REVOKED, REVOKE_CONFIRMED -> SAME;
                case DELIVERED, READ -> note(Fact.DELIVERED_AFTER_REVOKE);
                case FALLEN_BACK -> move(FALLEN_BACK);
                case FALLBACK_FAILED -> move(FALLBACK_FAILED);
                default -> REFUSE;
            };
            case UNDELIVERABLE -> switch (event) {
                case UNREACHABLE, REVOKED -> SAME;
                case DELIVERED, READ -> note(Fact.DELIVERED_AFTER_REVOKE);
                case FALLEN_BACK -> move(FALLEN_BACK);
                case FALLBACK_FAILED -> move(FALLBACK_FAILED);
                default -> REFUSE;
            };
            case REJECTED -> event == Event.REJECTED ? SAME : REFUSE;
            case FALLEN_BACK, FALLBACK_FAILED -> switch (event) {
                case ACCEPTED, REVOKED, REVOKE_CONFIRMED -> SAME;
                case DELIVERED, READ -> note(Fact.DELIVERED_AFTER_REVOKE);
                default -> event == finishedBy(state) ? SAME : REFUSE;
            };
        };
    }

    /**
     * A REVOKED message whose revoke RBM answered 200 and whose fallback still waits out
     * {@code REVOKE_CONFIRM_WINDOW}: a delivery inside the window proves the revoke was not honoured and
     * wins (no fallback); the window's end, or RBM's own expiry, confirms it and hands the fallback over.
     */
    public static Outcome ofUnconfirmedRevoke(Event event) {
        return switch (event) {
            case ACCEPTED, REVOKED -> SAME;
            case DELIVERED -> overturn(DELIVERED);
            case READ -> overturn(READ);
            case REVOKE_CONFIRMED -> move(REVOKED);
            default -> REFUSE;
        };
    }

    private static Event finishedBy(MessageState state) {
        return state == FALLEN_BACK ? Event.FALLEN_BACK : Event.FALLBACK_FAILED;
    }

    private static Outcome move(MessageState target) {
        return new Outcome.Move(target);
    }

    private static Outcome overturn(MessageState target) {
        return new Outcome.Overturn(target, Fact.REVOKE_NOT_HONOURED);
    }

    private static Outcome note(Fact fact) {
        return new Outcome.Note(fact);
    }
}
