package dev.rbmrevoker.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plays the part of AWS Lambda's Java runtime for the start-up figure: in the JVM runtime Lambda loads
 * the handler class ({@code QuarkusStreamHandler}, as template.yaml names it) and calls
 * {@code handleRequest(InputStream, OutputStream, Context)} with the event; Quarkus boots on that first
 * call. Quarkus' own Runtime API poll loop exists only in native builds, so a Runtime API stub would not
 * be polled by the JVM jar. Runs as its own process with the packaged application's runner jar on the
 * class path; prints {@code ANSWERED <rss kB> <first 200 chars>} once the first invocation is answered,
 * then waits for stdin to close.
 */
public final class LambdaJvmDriver {

    private LambdaJvmDriver() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> handlerClass = Class.forName(args[0]);
        Object handler = handlerClass.getDeclaredConstructor().newInstance();
        Method handle = handlerClass.getMethod("handleRequest", InputStream.class, java.io.OutputStream.class,
                Context.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            handle.invoke(handler, in, out, context());
        }
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: -1 kB")
                .replaceAll("[^0-9]", "");
        String answer = out.toString(StandardCharsets.UTF_8).replace('\n', ' ');
        System.out.println("ANSWERED " + rss + " " + answer.substring(0, Math.min(200, answer.length())));
        System.out.flush();
        System.in.read();
        System.exit(0);
    }

    private static Context context() {
        long deadline = System.currentTimeMillis() + 29_000;
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return "bench-request-1";
            }

            @Override
            public String getLogGroupName() {
                return "bench";
            }

            @Override
            public String getLogStreamName() {
                return "bench";
            }

            @Override
            public String getFunctionName() {
                return "bench";
            }

            @Override
            public String getFunctionVersion() {
                return "$LATEST";
            }

            @Override
            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-1:000000000000:function:bench";
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return (int) Math.max(0, deadline - System.currentTimeMillis());
            }

            @Override
            public int getMemoryLimitInMB() {
                return 1024;
            }

            @Override
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    @Override
                    public void log(String message) {
                        System.err.println(message);
                    }

                    @Override
                    public void log(byte[] message) {
                        System.err.println(new String(message, StandardCharsets.UTF_8));
                    }
                };
            }
        };
    }
}
