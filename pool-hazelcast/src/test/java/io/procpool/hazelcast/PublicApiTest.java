package io.procpool.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * pool-hazelcast's half of pool-core's PackageRulesTest: no public type of {@code io.procpool.hazelcast} extends,
 * implements or names in a public signature a type of an internal package (procpool's or its own), as
 * {@code HazelcastPool extends SinkPool} once did. Read from the compiled classes, so a new public type is checked too.
 */
class PublicApiTest {

    @Test
    void noPublicTypeExposesAnInternalOne() throws Exception {
        Path classes = Path.of(HazelcastPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("io/procpool/hazelcast"), 1)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = "io.procpool.hazelcast." + file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                if (isPublic(type)) {
                    leaks.addAll(internalsNamedBy(type));
                }
            }
        }
        assertEquals(List.of(), leaks, "public types that expose internal ones");
    }

    /** The public signature of {@code type}, rendered with every type argument, where it names an internal type. */
    private static List<String> internalsNamedBy(Class<?> type) {
        List<Type> named = new ArrayList<>();
        named.add(type.getGenericSuperclass());
        named.addAll(List.of(type.getGenericInterfaces()));
        for (Method method : type.getDeclaredMethods()) {
            if (isApi(method)) {
                named.add(method.getGenericReturnType());
                named.addAll(List.of(method.getGenericParameterTypes()));
            }
        }
        for (var constructor : type.getDeclaredConstructors()) {
            if (isApi(constructor)) {
                named.addAll(List.of(constructor.getGenericParameterTypes()));
            }
        }
        for (var field : type.getDeclaredFields()) {
            if (isApi(field)) {
                named.add(field.getGenericType());
            }
        }
        return named.stream().filter(t -> t != null && t.getTypeName().contains(".internal."))
                .map(t -> type.getName() + " exposes " + t.getTypeName()).toList();
    }

    private static boolean isApi(Member member) {
        return !member.isSynthetic()
                && (Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers()));
    }

    private static boolean isPublic(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }
}
