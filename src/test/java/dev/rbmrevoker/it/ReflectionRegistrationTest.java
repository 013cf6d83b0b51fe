package dev.rbmrevoker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.rbmrevoker.api.CampaignView;
import dev.rbmrevoker.api.MessageView;
import dev.rbmrevoker.api.Problem;
import dev.rbmrevoker.sweep.SweepSummary;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The native image sees only the classes registered for reflection: Jackson writes the API's bodies by
 * reading their record components, so every record reachable from a body type (components, list
 * elements, nested records) must carry {@code @RegisterForReflection}. A JVM build cannot tell; this
 * test can, without building the image.
 */
class ReflectionRegistrationTest {

    /** The types Jackson writes as response bodies; add any new one here. */
    private static final List<Class<?>> BODIES = List.of(MessageView.class, CampaignView.class, Problem.class,
            SweepSummary.class);

    @Test
    void everyRecordJacksonWrites_isRegisteredForReflection() {
        List<String> missing = new ArrayList<>();
        for (Class<?> type : reachedFromBodies()) {
            if (!type.isAnnotationPresent(RegisterForReflection.class)) {
                missing.add(type.getName());
            }
        }
        assertEquals(List.of(), missing, "serialised by Jackson but not registered for reflection");
    }

    /** The body types and every project record reachable from them. */
    static Set<Class<?>> reachedFromBodies() {
        Set<Class<?>> reached = new LinkedHashSet<>();
        BODIES.forEach(body -> walk(body, reached));
        return reached;
    }

    private static void walk(Type type, Set<Class<?>> reached) {
        if (type instanceof ParameterizedType parameterized) {
            walk(parameterized.getRawType(), reached);
            for (Type argument : parameterized.getActualTypeArguments()) {
                walk(argument, reached);
            }
            return;
        }
        if (!(type instanceof Class<?> cls) || !cls.getName().startsWith("dev.rbmrevoker.")) {
            return;
        }
        if (!reached.add(cls)) {
            return;
        }
        if (cls.isRecord()) {
            for (RecordComponent component : cls.getRecordComponents()) {
                walk(component.getGenericType(), reached);
            }
        }
    }
}
