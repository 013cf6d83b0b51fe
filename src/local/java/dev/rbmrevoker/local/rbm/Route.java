package dev.rbmrevoker.local.rbm;

/** The endpoints of the test server, for fault injection and call filtering. */
public enum Route {
    /** {@code POST /token}: the OAuth token endpoint of the key file's {@code token_uri}. */
    TOKEN,
    /** {@code POST /v1/phones/{phone}/agentMessages}: agentMessages.create. */
    SEND,
    /** {@code DELETE /v1/phones/{phone}/agentMessages/{messageId}}: agentMessages.delete. */
    REVOKE,
    /** Anything else (answered 404). */
    OTHER
}
