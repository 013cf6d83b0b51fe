package dev.rbmrevoker.campaign;

/** What one page of a campaign's messages came to. */
record PageTally(long revoked, long alreadyDelivered, long failed, long owed) {
}
