package dev.rbmrevoker.it;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rbmrevoker.testing.LambdaContext;
import io.quarkus.runtime.Quarkus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Plays AWS Lambda's Java managed runtime for the integration tests of the JVM build: Quarkus' own
 * Runtime API poll loop exists only in the native executable, so {@code java -jar} of the runner jar
 * never takes an event. Like the managed runtime, this loads the handler template.yaml names
 * ({@code QuarkusStreamHandler}) and, for each event of the Runtime API ({@code invocation/next}),
 * calls {@code handleRequest} and posts its answer ({@code invocation/<id>/response}).
 *
 * <p>{@code @QuarkusIntegrationTest} starts it through {@code quarkus.test.arg-line} (see the pom's
 * failsafe configuration): the launcher's {@code -Dkey=value} options and {@code -jar <runner>} then
 * arrive as arguments; the options become system properties, as they would have been for the jar.
 */
public final class JavaLambdaRuntime {

    private static final String TEST_API = "quarkus-internal.aws-lambda.test-api";
    private static final String RUNTIME = "/2018-06-01/runtime/invocation/";

    private JavaLambdaRuntime() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("-D") && eq > 2) {
                System.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        String api = System.getProperty(TEST_API, System.getenv("AWS_LAMBDA_RUNTIME_API"));
        if (api == null) {
            throw new IllegalStateException("no Runtime API: neither " + TEST_API + " nor AWS_LAMBDA_RUNTIME_API");
        }
        String base = "http://" + api + RUNTIME;
        RequestStreamHandler handler = (RequestStreamHandler) Class
                .forName("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler").getDeclaredConstructor()
                .newInstance();
        // The managed runtime initialises the function before the first event; the launcher waits for it.
        Quarkus.manualStart();
        while (true) {
            HttpURLConnection next = (HttpURLConnection) URI.create(base + "next").toURL().openConnection();
            next.setReadTimeout(0);
            byte[] event;
            try (InputStream in = next.getInputStream()) {
                event = in.readAllBytes();
            } catch (IOException e) {
                // The test ended and took the event server with it.
                Quarkus.asyncExit(0);
                return;
            }
            String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String deadline = next.getHeaderField("Lambda-Runtime-Deadline-Ms");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(event), out,
                        new LambdaContext("it", requestId, deadline == null ? 0 : Long.parseLong(deadline)));
                post(base + requestId + "/response", out.toByteArray());
            } catch (RuntimeException | IOException e) {
                e.printStackTrace();
                post(base + requestId + "/error", ("{\"errorType\":\"" + e.getClass().getName() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void post(String url, byte[] body) throws IOException {
        HttpURLConnection post = (HttpURLConnection) URI.create(url).toURL().openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = post.getOutputStream()) {
            out.write(body);
        }
        post.getInputStream().readAllBytes();
        post.disconnect();
    }
}
