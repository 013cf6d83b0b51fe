package dev.rbmrevoker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** src/deploy/check-zip.sh refuses a zip that does not match its Packaging, naming the build to run. */
class TemplateZipCheckTest {

    @TempDir
    Path dir;

    @Test
    void packagingDefault_isWhatThePlainBuildMakes() {
        // ./mvnw package, the README's first build command, writes a JVM zip (no bootstrap at its root):
        // deployed as native by default, every call failed with Runtime.InvalidEntrypoint.
        Map<String, Object> packaging = Template.map(Template.map(Template.loadUnchecked().get("Parameters"))
                .get("Packaging"));
        assertEquals("jvm", packaging.get("Default"));
    }

    @Test
    void jvmZip_passesAsJvm_andIsRefusedAsNative_namingTheNativeBuild() throws Exception {
        Path zip = zip("jvm.zip", "io/quarkus/runner/GeneratedMain.class", "lib/io.quarkus.quarkus-core.jar");
        assertEquals(0, run("jvm", zip).code);
        Result refused = run("native", zip);
        assertEquals(1, refused.code);
        assertTrue(refused.output.contains("Packaging=native") && refused.output.contains("./mvnw package -Dnative"),
                refused.output);
    }

    @Test
    void nativeZip_passesAsNative_andIsRefusedAsJvm_namingTheJvmBuild() throws Exception {
        Path zip = zip("native.zip", "bootstrap");
        assertEquals(0, run("native", zip).code);
        Result refused = run("jvm", zip);
        assertEquals(1, refused.code);
        assertTrue(refused.output.contains("Packaging=jvm") && refused.output.contains("./mvnw package,"),
                refused.output);
    }

    @Test
    void bootstrapBelowTheRoot_isNotANativeZip() throws Exception {
        Path zip = zip("nested.zip", "target/bootstrap", "lib/a.jar");
        assertEquals(1, run("native", zip).code);
    }

    @Test
    void missingZip_namesTheBuild() throws Exception {
        Result missing = run("native", dir.resolve("function.zip"));
        assertEquals(1, missing.code);
        assertTrue(missing.output.contains("does not exist") && missing.output.contains("-Dnative"), missing.output);
    }

    @Test
    void unknownPackaging_isAUsageError() throws Exception {
        assertEquals(2, run("graal", zip("x.zip", "bootstrap")).code);
    }

    private Path zip(String name, String... entries) throws IOException {
        Path zip = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                out.write("x".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    private static Result run(String packaging, Path zip) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "src/deploy/check-zip.sh", packaging, zip.toString())
                .redirectErrorStream(true).start();
        try (OutputStream ignored = process.getOutputStream()) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        }
    }

    private record Result(int code, String output) {
    }
}
