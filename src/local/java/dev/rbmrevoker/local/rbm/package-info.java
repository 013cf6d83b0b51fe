/**
 * A stand-in for Google's RBM API, for tests and the local run: {@link dev.rbmrevoker.local.rbm.RbmTestServer}
 * (token endpoint, agentMessages.create/delete, expiry, deliveries, signed webhooks, faults, recorded calls),
 * {@link dev.rbmrevoker.local.rbm.ServiceAccountKey} (a key file generated at run time) and
 * {@link dev.rbmrevoker.local.rbm.WebhookSigner} (webhook envelopes signed as RBM signs them).
 *
 * <pre>
 * try (RbmTestServer rbm = RbmTestServer.start()) {
 *     // RBM_ENDPOINT = rbm.baseUrl(), RBM_SERVICE_ACCOUNT_JSON = rbm.serviceAccountJson()
 *     rbm.setWebhook(URI.create("http://127.0.0.1:8081/webhooks/rbm"), "client-token");
 *     rbm.inject(Route.SEND, Fault.status(503), 2);      // the next two sends fail
 *     ... send through the service ...
 *     rbm.deliver(messageId, true);                      // posts DELIVERED then READ
 *     rbm.calls(Route.SEND);                             // what arrived, Authorization header included
 * }
 * </pre>
 *
 * Only the JDK, Jackson and JBoss Logging are used here: this code is test code normally and application
 * code in the local profile.
 */
package dev.rbmrevoker.local.rbm;
