package dev.rbmrevoker.deploy;

import static dev.rbmrevoker.deploy.Template.list;
import static dev.rbmrevoker.deploy.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml routes what the code serves, protects /v1 with IAM, and keeps the sweep internal. */
class TemplateRoutesTest {

    static final String SWEEP_ROUTE = "POST /internal/sweep";
    private static Map<String, Object> resources;

    @BeforeAll
    static void load() throws Exception {
        resources = map(Template.load(Paths.get("template.yaml")).get("Resources"));
    }

    @Test
    void everyRouteOfTheCode_isInTheTemplate_andNothingElse() throws Exception {
        Set<String> code = codeRoutes();
        code.remove(SWEEP_ROUTE);
        assertEquals(code, new TreeSet<>(apiEvents().keySet()));
    }

    @Test
    void v1Routes_requireIamAuthorization_andTheWebhookIsOpen() {
        apiEvents().forEach((route, properties) -> {
            Object auth = properties.get("Auth");
            if (route.contains(" /v1/")) {
                assertNotNull(auth, route + " has no Auth");
                assertEquals("AWS_IAM", map(auth).get("Authorizer"), route);
            } else {
                assertTrue(auth == null || !"AWS_IAM".equals(map(auth).get("Authorizer")), route);
            }
        });
    }

    @Test
    void sweepSchedule_postsAnHttpApiEventToTheInternalSweepRoute() throws IOException {
        Map<String, Object> events = map(properties("SweepFunction").get("Events"));
        Map<String, Object> schedule = events.values().stream().map(Template::map)
                .filter(e -> "ScheduleV2".equals(e.get("Type"))).findFirst().orElseThrow();
        JsonNode input = new ObjectMapper().readTree((String) map(schedule.get("Properties")).get("Input"));
        assertEquals("2.0", input.path("version").asText());
        assertEquals("/internal/sweep", input.path("rawPath").asText());
        assertEquals("POST", input.path("requestContext").path("http").path("method").asText());
        assertEquals("/internal/sweep", input.path("requestContext").path("http").path("path").asText());
        assertTrue(codeRoutes().contains(SWEEP_ROUTE), "the code serves the sweep route");
    }

    @Test
    void sweepIsEnabled_onlyOnTheSweepFunction() {
        assertEquals("true", environment("SweepFunction").get("SWEEP_ENABLED"));
        assertFalse(environment("ApiFunction").containsKey("SWEEP_ENABLED"));
        Map<String, Object> globals = map(map(map(Template.loadUnchecked().get("Globals")).get("Function"))
                .get("Environment"));
        assertFalse(map(globals.get("Variables")).containsKey("SWEEP_ENABLED"));
    }

    @Test
    void noSecretIsALiteral_theFunctionsGetOnlyTheSecretsArn() {
        Map<String, Object> globals = map(map(map(map(Template.loadUnchecked().get("Globals")).get("Function"))
                .get("Environment")).get("Variables"));
        assertEquals(Map.of("Fn::If", List.of("CreateSecret", Map.of("Ref", "RbmSecret"), Map.of("Ref", "ExistingSecretArn"))),
                globals.get("RBM_SECRET_ARN"));
        Pattern secretNames = Pattern.compile(".*(SERVICE_ACCOUNT|CLIENT_TOKEN|CALLBACK_SECRET|PRIVATE_KEY).*");
        for (String function : new String[] {"ApiFunction", "SweepFunction"}) {
            environment(function).keySet().forEach(name ->
                    assertFalse(secretNames.matcher(name).matches(), function + " sets " + name));
        }
        globals.keySet().forEach(name -> assertFalse(secretNames.matcher(name).matches(), "Globals set " + name));
        String text = Template.text();
        assertFalse(text.contains("BEGIN PRIVATE KEY"), "a private key in the template");
        assertFalse(text.matches("(?s).*\"(webhookClientToken|callbackSecret|serviceAccountJson)\"\\s*:\\s*\"[^\"]+\".*"),
                "a secret value in the template");
    }

    private static Map<String, Map<String, Object>> apiEvents() {
        Map<String, Map<String, Object>> routes = new HashMap<>();
        map(properties("ApiFunction").get("Events")).values().stream().map(Template::map)
                .filter(e -> "HttpApi".equals(e.get("Type")))
                .map(e -> map(e.get("Properties")))
                .forEach(p -> routes.put(p.get("Method") + " " + p.get("Path"), p));
        return routes;
    }

    private static Map<String, Object> properties(String resource) {
        return map(map(resources.get(resource)).get("Properties"));
    }

    private static Map<String, Object> environment(String function) {
        Object environment = properties(function).get("Environment");
        return environment == null ? Map.of() : map(map(environment).get("Variables"));
    }

    /** "METHOD /path" of every JAX-RS resource method in the application's classes. */
    static Set<String> codeRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        java.nio.file.Path classes = Paths.get("target/classes");
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, TemplateRoutesTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                Path base = type.getAnnotation(Path.class);
                if (base == null || type.isInterface()) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = verb(method);
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        routes.add(verb + " " + join(base.value(), sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return routes;
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        return method.isAnnotationPresent(PATCH.class) ? "PATCH" : null;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
