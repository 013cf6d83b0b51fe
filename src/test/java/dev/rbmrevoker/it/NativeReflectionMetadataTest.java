package dev.rbmrevoker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the native image will be given: every class the code reaches by reflection must be registered,
 * either by Quarkus (the runner jar's generated {@code META-INF/native-image/reflect-config.json}) or by
 * its own library's {@code META-INF/native-image} metadata. Reads the directory a native build leaves,
 * even on a machine that cannot finish it (no GraalVM, no container runtime):
 *
 * <pre>
 * ./mvnw -B package -Dnative -DskipTests        # fails at its last step here, after writing the sources
 * ./mvnw -B test -Dtest=NativeReflectionMetadataTest \
 *     -Dnative.sources=target/rbm-revoker-0.1.0-SNAPSHOT-native-image-source-jar
 * </pre>
 *
 * Without {@code -Dnative.sources} it is skipped. The native workflow runs it after building the image.
 */
class NativeReflectionMetadataTest {

    static final String SOURCES = "native.sources";

    /**
     * google-auth signs its JWT and reads the token answer through google-http-client, whose JSON
     * binding reads and writes these classes' {@code @Key} fields by reflection.
     */
    private static final List<String> GOOGLE_JSON = List.of(
            "com.google.api.client.json.GenericJson",
            "com.google.api.client.util.GenericData",
            "com.google.api.client.util.ArrayMap",
            "com.google.api.client.http.HttpHeaders",
            "com.google.api.client.json.webtoken.JsonWebSignature$Header",
            "com.google.api.client.json.webtoken.JsonWebToken$Header",
            "com.google.api.client.json.webtoken.JsonWebToken$Payload");

    /**
     * The SNS client is built by hand (no Quarkus extension registers for it): the SDK instantiates, by
     * reflection, the interceptors these class-path resources name.
     */
    private static final List<String> SNS_INTERCEPTOR_LISTS = List.of(
            "software/amazon/awssdk/global/handlers/execution.interceptors",
            "software/amazon/awssdk/services/sns/execution.interceptors");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyClassReachedByReflection_isRegisteredByQuarkusOrItsLibrary() throws IOException {
        String sources = System.getProperty(SOURCES);
        assumeTrue(sources != null && !sources.isBlank(), "skipped: no -D" + SOURCES
                + "=target/<name>-native-image-source-jar (left by ./mvnw package -Dnative)");
        Set<String> registered = registered(Path.of(sources));

        List<String> missing = new ArrayList<>();
        for (String name : reachedByReflection()) {
            if (!registered.contains(name)) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "reached by reflection but registered neither by Quarkus nor by its"
                + " library's META-INF/native-image metadata");
    }

    private static Set<String> reachedByReflection() throws IOException {
        Set<String> reached = new LinkedHashSet<>();
        ReflectionRegistrationTest.reachedFromBodies().forEach(type -> reached.add(type.getName()));
        reached.addAll(GOOGLE_JSON);
        for (String list : SNS_INTERCEPTOR_LISTS) {
            reached.addAll(classesNamedIn(list));
        }
        return reached;
    }

    /** Every type named in the reflection metadata of the runner jar and of each jar under lib/. */
    private static Set<String> registered(Path sources) throws IOException {
        assertTrue(Files.isDirectory(sources.resolve("lib")), sources + " is not a native-image source directory");
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> top = Files.list(sources); Stream<Path> lib = Files.walk(sources.resolve("lib"))) {
            top.filter(p -> p.toString().endsWith("-runner.jar")).forEach(jars::add);
            lib.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        assertTrue(jars.stream().anyMatch(p -> p.toString().endsWith("-runner.jar")), "no runner jar in " + sources);
        Set<String> names = new LinkedHashSet<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (!name.startsWith("META-INF/native-image/")) {
                        continue;
                    }
                    if (name.endsWith("/reflect-config.json")) {
                        addTypes(read(file, entry), names);
                    } else if (name.endsWith("/reachability-metadata.json")) {
                        addTypes(read(file, entry).path("reflection"), names);
                    }
                }
            }
        }
        return names;
    }

    private static JsonNode read(JarFile file, JarEntry entry) throws IOException {
        try (InputStream in = file.getInputStream(entry)) {
            return JSON.readTree(in);
        }
    }

    /** {@code reflect-config.json} names a class in {@code name}; the newer format in {@code type}. */
    private static void addTypes(JsonNode entries, Set<String> names) {
        for (JsonNode entry : entries) {
            JsonNode name = entry.has("name") ? entry.get("name") : entry.get("type");
            if (name != null && name.isTextual()) {
                names.add(name.asText());
            }
        }
    }

    private static List<String> classesNamedIn(String resource) throws IOException {
        List<String> classes = new ArrayList<>();
        Enumeration<URL> lists = NativeReflectionMetadataTest.class.getClassLoader().getResources(resource);
        while (lists.hasMoreElements()) {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(lists.nextElement().openStream(), StandardCharsets.UTF_8))) {
                reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(classes::add);
            }
        }
        return classes;
    }
}
