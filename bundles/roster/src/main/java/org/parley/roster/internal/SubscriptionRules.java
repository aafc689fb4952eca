package org.parley.roster.internal;

/**
 * The subscription state machine of RFC 6121 section 3 and Appendix A, for one side: what a
 * subscription stanza does to the item its user keeps for the other party, and what the server
 * must then do. Pure functions; storage, delivery and routing are the caller's.
 */
final class SubscriptionRules {
    /** A subscription stanza, seen by the server of the user who keeps the item. */
    enum Op {
        /** The user sent subscribe (Appendix A.2.1). */
        OUT_SUBSCRIBE,
        /** The user sent unsubscribe (A.2.2). */
        OUT_UNSUBSCRIBE,
        /** The user sent subscribed: an approval, or a pre-approval (A.2.3, section 3.4). */
        OUT_SUBSCRIBED,
        /** The user sent unsubscribed: a refusal or a cancellation (A.2.4). */
        OUT_UNSUBSCRIBED,
        /** The contact asks to see the user's presence (A.3.1). */
        IN_SUBSCRIBE,
        /** The contact no longer wants to see the user's presence (A.3.2). */
        IN_UNSUBSCRIBE,
        /** The contact approved the user's request (A.3.3). */
        IN_SUBSCRIBED,
        /** The contact refused or cancelled the user's subscription (A.3.4). */
        IN_UNSUBSCRIBED;

        static Op outbound(String type) {
            return switch (type) {
                case "subscribe" -> OUT_SUBSCRIBE;
                case "unsubscribe" -> OUT_UNSUBSCRIBE;
                case "subscribed" -> OUT_SUBSCRIBED;
                case "unsubscribed" -> OUT_UNSUBSCRIBED;
                default -> null;
            };
        }

        static Op inbound(String type) {
            return switch (type) {
                case "subscribe" -> IN_SUBSCRIBE;
                case "unsubscribe" -> IN_UNSUBSCRIBE;
                case "subscribed" -> IN_SUBSCRIBED;
                case "unsubscribed" -> IN_UNSUBSCRIBED;
                default -> null;
            };
        }
    }

    /**
     * What one stanza did.
     *
     * @param after the item now (null: nothing is kept for the contact)
     * @param route the user's stanza goes on to the contact (outbound only)
     * @param deliver the contact's stanza is delivered to the user's available resources (inbound only)
     * @param replySubscribed the server answers a request with subscribed on the user's behalf
     * @param sendPresence the user's available resources' presence goes to the contact (it may now see it)
     * @param sendUnavailable unavailable presence from the user's available resources goes to the
     *     contact (it may no longer see it)
     */
    record Transition(RosterItem after, boolean route, boolean deliver, boolean replySubscribed, boolean sendPresence,
            boolean sendUnavailable) {
        static Transition none(RosterItem item) {
            return new Transition(item, false, false, false, false, false);
        }
    }

    private SubscriptionRules() {
    }

    /**
     * @param before the item the user keeps for the contact, or null
     * @param contact the contact's bare JID, for a new item
     * @param status the status text of an inbound subscribe, kept with the pending request
     * @param autoApprove the operator lets the server approve every request (default off)
     */
    static Transition apply(Op op, RosterItem before, String contact, String status, boolean autoApprove) {
        return switch (op) {
            case OUT_SUBSCRIBE -> outSubscribe(before, contact);
            case OUT_UNSUBSCRIBE -> outUnsubscribe(before);
            case OUT_SUBSCRIBED -> outSubscribed(before, contact);
            case OUT_UNSUBSCRIBED -> outUnsubscribed(before);
            case IN_SUBSCRIBE -> inSubscribe(before, contact, status, autoApprove);
            case IN_UNSUBSCRIBE -> inUnsubscribe(before);
            case IN_SUBSCRIBED -> inSubscribed(before);
            case IN_UNSUBSCRIBED -> inUnsubscribed(before);
        };
    }

    /** Section 3.1.2: the item is created if needed and shows the request; the request is always routed. */
    private static Transition outSubscribe(RosterItem before, String contact) {
        RosterItem item = before == null ? RosterItem.visible(contact) : before.shown();
        if (!item.subscription().hasTo()) {
            item = item.withAskOut(true);
        }
        return new Transition(item, true, false, false, false, false);
    }

    /** Section 3.3.2: the user's side ends at once; routed so that the contact's side follows. */
    private static Transition outUnsubscribe(RosterItem before) {
        if (before == null) {
            return new Transition(null, true, false, false, false, false);
        }
        RosterItem item = before.withSubscription(before.subscription().withTo(false)).withAskOut(false);
        return new Transition(clean(item), true, false, false, false, false);
    }

    /**
     * Section 3.1.5 (approval of a pending request) and 3.4 (pre-approval when none is pending).
     * Only an approval is routed.
     */
    private static Transition outSubscribed(RosterItem before, String contact) {
        if (before != null && before.pendingIn()) {
            RosterItem item = before.shown().withSubscription(before.subscription().withFrom(true)).withPendingIn(false, null)
                    .withApproved(false);
            return new Transition(item, true, false, false, true, false);
        }
        if (before != null && before.subscription().hasFrom()) {
            return Transition.none(before);
        }
        RosterItem item = (before == null ? RosterItem.visible(contact) : before.shown()).withApproved(true);
        return Transition.none(item);
    }

    /** Section 3.2.2: a refusal or a cancellation is routed only when there was something to refuse or cancel. */
    private static Transition outUnsubscribed(RosterItem before) {
        if (before == null) {
            return Transition.none(null);
        }
        boolean hadFrom = before.subscription().hasFrom();
        if (hadFrom || before.pendingIn()) {
            RosterItem item = before.withSubscription(before.subscription().withFrom(false)).withPendingIn(false, null)
                    .withApproved(false);
            return new Transition(clean(item), true, false, false, false, hadFrom);
        }
        if (before.approved()) {
            return Transition.none(before.withApproved(false));
        }
        return Transition.none(before);
    }

    /** Section 3.1.3 and 3.4: answered at once when already approved or pre-approved, else kept pending. */
    private static Transition inSubscribe(RosterItem before, String contact, String status, boolean autoApprove) {
        if (before != null && before.subscription().hasFrom()) {
            return new Transition(before, false, false, true, false, false);
        }
        if (before != null && before.approved() || autoApprove) {
            RosterItem base = before == null ? RosterItem.visible(contact) : before.shown();
            RosterItem item = base.withSubscription(base.subscription().withFrom(true)).withApproved(false).withPendingIn(false, null);
            return new Transition(item, false, false, true, true, false);
        }
        if (before != null && before.pendingIn()) {
            return Transition.none(before);
        }
        RosterItem item = (before == null ? RosterItem.hidden(contact) : before).withPendingIn(true, status);
        return new Transition(item, false, true, false, false, false);
    }

    /** Section 3.3.3: the contact's subscription (or its request) ends; the contact no longer gets presence. */
    private static Transition inUnsubscribe(RosterItem before) {
        if (before == null || !before.subscription().hasFrom() && !before.pendingIn()) {
            return Transition.none(before);
        }
        boolean hadFrom = before.subscription().hasFrom();
        RosterItem item = before.withSubscription(before.subscription().withFrom(false)).withPendingIn(false, null);
        return new Transition(clean(item), false, true, false, false, hadFrom);
    }

    /** Section 3.1.6: only an answer to the user's own pending request counts. */
    private static Transition inSubscribed(RosterItem before) {
        if (before == null || !before.askOut()) {
            return Transition.none(before);
        }
        RosterItem item = before.withSubscription(before.subscription().withTo(true)).withAskOut(false);
        return new Transition(item, false, true, false, false, false);
    }

    /** Section 3.2.3: the user's subscription (or its request) ends. */
    private static Transition inUnsubscribed(RosterItem before) {
        if (before == null || !before.subscription().hasTo() && !before.askOut()) {
            return Transition.none(before);
        }
        RosterItem item = before.withSubscription(before.subscription().withTo(false)).withAskOut(false);
        return new Transition(clean(item), false, true, false, false, false);
    }

    private static RosterItem clean(RosterItem item) {
        return item.isEmpty() ? null : item;
    }
}
