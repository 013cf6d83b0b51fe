package dev.rbmrevoker.bench;

import com.amazonaws.services.lambda.runtime.Context;
import dev.rbmrevoker.testing.LambdaContext;
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
            handle.invoke(handler, in, out,
                    new LambdaContext("bench", "bench-request-1", System.currentTimeMillis() + 29_000));
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
}
