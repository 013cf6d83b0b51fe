package dev.rbmrevoker.local.rbm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.google.auth.oauth2.ServiceAccountCredentials;

/** Raw HTTP against the test server, as an RBM client would call it. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    /** A token from the real google-auth library against the server's token endpoint. */
    static String token(RbmTestServer server) throws IOException {
        ServiceAccountCredentials credentials = ServiceAccountCredentials
                .fromStream(new ByteArrayInputStream(server.serviceAccountJson().getBytes(StandardCharsets.UTF_8)));
        return credentials.createScoped(List.of(RbmTestServer.SCOPE)).refreshAccessToken().getTokenValue();
    }

    static HttpResponse<String> send(RbmTestServer server, String token, String phonePathSegment, String query,
            String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/v1/phones/" + phonePathSegment + "/agentMessages" + query))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> revoke(RbmTestServer server, String token, String phonePathSegment, String messageId,
            String query) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                server.baseUrl() + "/v1/phones/" + phonePathSegment + "/agentMessages/" + messageId + query))
                .timeout(Duration.ofSeconds(5))
                .DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postForm(String url, String form) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
