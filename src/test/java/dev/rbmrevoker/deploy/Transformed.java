package dev.rbmrevoker.deploy;

import static dev.rbmrevoker.deploy.Template.list;
import static dev.rbmrevoker.deploy.Template.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The CloudFormation that AWS's SAM translator made of template.yaml (written by .ci/run with
 * {@code sam-transform --json}), seen with one set of parameters. The translator leaves
 * {@code Fn::If} and parameter {@code Ref}s to CloudFormation; {@link #resolved} settles them as
 * CloudFormation would, so a test reads what a stack with these parameters would really get.
 */
final class Transformed {

    /** Where .ci/run writes {@code cfn-<Packaging>-<Architecture>.json}, one file per combination. */
    static final String PROPERTY = "template.transformed";
    static final String ENV = "TEMPLATE_TRANSFORMED";
    static final List<String> COMBINATIONS = List.of("jvm-x86_64", "jvm-arm64", "native-x86_64", "native-arm64");

    private static final Pattern FILE = Pattern.compile("cfn-(\\w+)-(\\w+)\\.json");
    private static final Object NO_VALUE = new Object();
    private static boolean toldSkip;
    private static List<Transformed> loaded;

    final String name;
    final Map<String, Object> parameters;
    private final Map<String, Object> template;
    private final Map<String, Boolean> conditions = new HashMap<>();

    private Transformed(String name, Map<String, Object> template, Map<String, String> overrides) {
        this.name = name;
        this.template = template;
        this.parameters = new HashMap<>();
        Map<String, Object> declared = template.containsKey("Parameters") ? map(template.get("Parameters")) : Map.of();
        declared.forEach((key, value) -> parameters.put(key, map(value).get("Default")));
        parameters.putAll(overrides);
        parameters.put("AWS::Partition", "aws");
        parameters.put("AWS::Region", "us-east-1");
        parameters.put("AWS::StackName", "rbm-revoker");
    }

    /** Every combination's output, or the test is skipped (with why) when no output was given. */
    static List<Transformed> all() {
        String dir = System.getProperty(PROPERTY, System.getenv(ENV));
        if (dir == null || dir.isBlank()) {
            String why = "skipped: no SAM transform output given (-D" + PROPERTY + "=DIR or " + ENV
                    + "=DIR; .ci/run sets it when AWS's SAM translator is available)";
            if (!toldSkip) {
                toldSkip = true;
                System.out.println("TemplateTransformTest " + why);
            }
            Assumptions.abort(why);
        }
        if (loaded != null) {
            return loaded;
        }
        List<Transformed> outputs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            for (Path file : files.sorted().toList()) {
                Matcher matcher = FILE.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    Map<String, Object> template = map(new ObjectMapper().readValue(file.toFile(), Map.class));
                    outputs.add(new Transformed(matcher.group(1) + "-" + matcher.group(2), template,
                            Map.of("Packaging", matcher.group(1), "Architecture", matcher.group(2))));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!outputs.stream().map(t -> t.name).toList().containsAll(COMBINATIONS)) {
            throw new AssertionError("transform output in " + dir + " lacks a combination: has "
                    + outputs.stream().map(t -> t.name).toList() + ", needs " + COMBINATIONS);
        }
        loaded = List.copyOf(outputs);
        return loaded;
    }

    /** The same output with more parameters set, for what the four combinations leave at defaults. */
    Transformed with(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>();
        parameters.forEach((k, v) -> overrides.put(k, Objects.toString(v, null)));
        overrides.putAll(more);
        return new Transformed(name + more, template, overrides);
    }

    /** The resources a stack with these parameters creates (those whose Condition holds), resolved. */
    Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        map(template.get("Resources")).forEach((id, resource) -> {
            Object condition = map(resource).get("Condition");
            if (condition == null || condition((String) condition)) {
                resources.put(id, map(resolved(resource)));
            }
        });
        return resources;
    }

    Map<String, Object> resource(String id) {
        Map<String, Object> resource = resources().get(id);
        if (resource == null) {
            throw new AssertionError(name + ": no resource " + id);
        }
        return resource;
    }

    Map<String, Object> properties(String id) {
        return map(resource(id).get("Properties"));
    }

    Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if (type.equals(r.get("Type"))) {
                found.put(id, r);
            }
        });
        return found;
    }

    Object resolved(Object node) {
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> value = map(raw);
            if (value.size() == 1 && value.containsKey("Fn::If")) {
                List<Object> branches = list(value.get("Fn::If"));
                return resolved(branches.get(condition((String) branches.get(0)) ? 1 : 2));
            }
            if (value.size() == 1 && value.get("Ref") instanceof String ref) {
                if (ref.equals("AWS::NoValue")) {
                    return NO_VALUE;
                }
                if (parameters.containsKey(ref)) {
                    return Objects.toString(parameters.get(ref), null);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            value.forEach((k, v) -> {
                Object r = resolved(v);
                if (r != NO_VALUE) {
                    out.put(k, r);
                }
            });
            return out;
        }
        if (node instanceof List<?> raw) {
            List<Object> out = new ArrayList<>();
            for (Object item : raw) {
                Object r = resolved(item);
                if (r != NO_VALUE) {
                    out.add(r);
                }
            }
            return out;
        }
        return node;
    }

    boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            known = evaluate(map(template.get("Conditions")).get(name));
            conditions.put(name, known);
        }
        return known;
    }

    private boolean evaluate(Object expression) {
        Map<String, Object> fn = map(expression);
        if (fn.containsKey("Fn::Equals")) {
            List<Object> sides = list(fn.get("Fn::Equals"));
            return Objects.equals(Objects.toString(resolved(sides.get(0))), Objects.toString(resolved(sides.get(1))));
        }
        if (fn.containsKey("Fn::Not")) {
            return !evaluate(list(fn.get("Fn::Not")).get(0));
        }
        if (fn.containsKey("Fn::And")) {
            return list(fn.get("Fn::And")).stream().allMatch(this::evaluate);
        }
        if (fn.containsKey("Fn::Or")) {
            return list(fn.get("Fn::Or")).stream().anyMatch(this::evaluate);
        }
        if (fn.containsKey("Condition")) {
            return condition((String) fn.get("Condition"));
        }
        throw new AssertionError("unknown condition function " + fn);
    }

    @Override
    public String toString() {
        return name;
    }
}
