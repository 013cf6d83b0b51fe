package dev.rbmrevoker.local.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;

class TokenEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RbmTestServer server;

    @BeforeAll
    static void start() {
        server = RbmTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void keyFile_looksLikeGoogles_andPointsAtTheServer() throws IOException {
        JsonNode key = JSON.readTree(server.serviceAccountJson());
        assertEquals("service_account", key.get("type").asText());
        assertEquals(server.baseUrl() + "/token", key.get("token_uri").asText());
        assertTrue(key.get("private_key").asText().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        for (String field : List.of("project_id", "private_key_id", "client_email", "client_id", "auth_uri")) {
            assertFalse(key.path(field).asText().isEmpty(), field);
        }
    }

    @Test
    void grantsToken_forAssertionOfRealGoogleAuthLibrary() throws IOException {
        GoogleCredentials credentials = credentials(server.serviceAccountJson())
                .createScoped(List.of(RbmTestServer.SCOPE));
        AccessToken token = credentials.refreshAccessToken();
        assertNotNull(token.getTokenValue());
        assertTrue(token.getExpirationTime().toInstant().isAfter(Instant.now().plusSeconds(3000)));
        assertEquals(1, server.tokenGrants());
        assertTrue(server.issuedTokens().contains(token.getTokenValue()));
    }

    @Test
    void refusesAssertion_signedByAnotherKey() throws IOException {
        ServiceAccountKey stranger = ServiceAccountKey.generate(server.tokenUri());
        GoogleCredentials credentials = credentials(stranger.json()).createScoped(List.of(RbmTestServer.SCOPE));
        assertThrows(IOException.class, credentials::refreshAccessToken);
        assertEquals(0, server.tokenGrants());
        assertEquals(400, server.calls(Route.TOKEN).get(0).status());
    }

    @Test
    void refusesAssertion_withoutTheRbmScope() throws IOException {
        GoogleCredentials credentials = credentials(server.serviceAccountJson())
                .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
        assertThrows(IOException.class, credentials::refreshAccessToken);
        assertEquals(0, server.tokenGrants());
    }

    @Test
    void refusesExpiredAssertion_withInvalidGrant() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> answer = exchange(jwt(server.key(), claims(server.key(), RbmTestServer.GOOGLE_TOKEN_AUDIENCE,
                RbmTestServer.SCOPE, now - 4000, now - 400)));
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_grant", JSON.readTree(answer.body()).get("error").asText());
        assertEquals(0, server.tokenGrants());
    }

    @Test
    void refusesAssertion_forAnotherAudience() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> answer = exchange(jwt(server.key(), claims(server.key(), "https://example.com/token",
                RbmTestServer.SCOPE, now, now + 3600)));
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_grant", JSON.readTree(answer.body()).get("error").asText());
    }

    @Test
    void acceptsAssertion_withTokenEndpointAsAudience() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> answer = exchange(jwt(server.key(), claims(server.key(), server.tokenUri(),
                RbmTestServer.SCOPE + " https://www.googleapis.com/auth/cloud-platform", now, now + 3600)));
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(3600, body.get("expires_in").asLong());
    }

    @Test
    void refusesTamperedAssertion() throws Exception {
        long now = Instant.now().getEpochSecond();
        String jwt = jwt(server.key(), claims(server.key(), RbmTestServer.GOOGLE_TOKEN_AUDIENCE, RbmTestServer.SCOPE, now,
                now + 3600));
        String[] parts = jwt.split("\\.");
        Map<String, Object> forged = claims(server.key(), RbmTestServer.GOOGLE_TOKEN_AUDIENCE, RbmTestServer.SCOPE, now,
                now + 7200);
        String tampered = parts[0] + "." + b64(JSON.writeValueAsBytes(forged)) + "." + parts[2];
        assertEquals(400, exchange(tampered).statusCode());
    }

    @Test
    void refusesOtherGrantTypes() throws Exception {
        HttpResponse<String> answer = Http.postForm(server.tokenUri(), "grant_type=client_credentials");
        assertEquals(400, answer.statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(answer.body()).get("error").asText());
    }

    @Test
    void tokenLifetime_isConfigurable() throws IOException {
        server.setTokenLifetime(java.time.Duration.ofSeconds(120));
        AccessToken token = credentials(server.serviceAccountJson()).createScoped(List.of(RbmTestServer.SCOPE))
                .refreshAccessToken();
        long seconds = (token.getExpirationTime().getTime() - System.currentTimeMillis()) / 1000;
        assertTrue(seconds > 100 && seconds <= 120, "expires in " + seconds);
    }

    @Test
    void expiredTokens_get401() throws Exception {
        String token = Http.token(server);
        String body = "{\"contentMessage\":{\"text\":\"hi\"}}";
        assertEquals(200, Http.send(server, token, "%2B16502530001", "?messageId=m1&agentId=a", body).statusCode());
        server.expireAllTokens();
        HttpResponse<String> answer = Http.send(server, token, "%2B16502530001", "?messageId=m2&agentId=a", body);
        assertEquals(401, answer.statusCode());
        assertEquals("UNAUTHENTICATED", JSON.readTree(answer.body()).at("/error/status").asText());
    }

    private static ServiceAccountCredentials credentials(String json) throws IOException {
        return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> exchange(String jwt) throws Exception {
        return Http.postForm(server.tokenUri(), "grant_type=" + URLEncoder.encode(RbmTestServer.JWT_BEARER, StandardCharsets.UTF_8)
                + "&assertion=" + jwt);
    }

    private static Map<String, Object> claims(ServiceAccountKey key, String aud, String scope, long iat, long exp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", key.clientEmail());
        claims.put("scope", scope);
        claims.put("aud", aud);
        claims.put("iat", iat);
        claims.put("exp", exp);
        return claims;
    }

    static String jwt(ServiceAccountKey key, Map<String, Object> claims) throws Exception {
        String header = b64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", key.privateKeyId())));
        String payload = b64(JSON.writeValueAsBytes(claims));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key.privateKey());
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64(signer.sign());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
