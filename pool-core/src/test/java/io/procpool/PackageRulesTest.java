package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of pool-core's packages, read from its compiled class files so that it cannot quietly come back:
 * no cycle between packages (none among the internal packages, and no class of the public API that both uses an
 * internal class and is used by one), and no public type of the API that extends, implements or names an internal
 * type in its public signatures.
 */
class PackageRulesTest {
    private static final String ROOT = "io.procpool";
    private static final Pattern CLASS_IN_DESCRIPTOR = Pattern.compile("L(io/procpool/[\\w/$]+)[;<]");

    @Test
    void internalPackagesDependOnEachOtherWithoutACycle() throws IOException {
        Map<String, Set<String>> packages = new TreeMap<>();
        classGraph().forEach((from, tos) -> {
            if (isInternal(from)) {
                for (String to : tos) {
                    if (isInternal(to) && !packageOf(to).equals(packageOf(from))) {
                        packages.computeIfAbsent(packageOf(from), p -> new TreeSet<>()).add(packageOf(to));
                    }
                }
            }
        });
        List<List<String>> cycles = cycles(packages);
        assertTrue(cycles.isEmpty(), "cycles between internal packages: " + cycles + "\npackage graph: " + packages);
    }

    @Test
    void noClassCycleCrossesAPackage() throws IOException {
        List<String> crossing = new ArrayList<>();
        for (List<String> cycle : cycles(classGraph())) {
            if (cycle.stream().map(PackageRulesTest::packageOf).distinct().count() > 1) {
                crossing.add(String.join(" <-> ", cycle));
            }
        }
        assertEquals(List.of(), crossing, "classes of different packages that depend on each other");
    }

    @Test
    void noPublicTypeExposesAnInternalOne() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> types = new ArrayList<>();
        for (String name : classGraph().keySet()) {
            if (!isInternal(name)) {
                withNested(Class.forName(name, false, PackageRulesTest.class.getClassLoader()), types);
            }
        }
        for (Class<?> type : types) {
            if (!isApi(type)) {
                continue;
            }
            List<Type> exposed = new ArrayList<>();
            exposed.add(type.getGenericSuperclass());
            exposed.addAll(List.of(type.getGenericInterfaces()));
            for (Field field : type.getDeclaredFields()) {
                if (isApi(field.getModifiers())) {
                    exposed.add(field.getGenericType());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (isApi(method.getModifiers()) && !method.isSynthetic()) {
                    exposed.add(method.getGenericReturnType());
                    exposed.addAll(List.of(method.getGenericParameterTypes()));
                    exposed.addAll(List.of(method.getGenericExceptionTypes()));
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isApi(constructor.getModifiers()) && !constructor.isSynthetic()) {
                    exposed.addAll(List.of(constructor.getGenericParameterTypes()));
                }
            }
            for (Type each : exposed) {
                Set<Class<?>> named = new java.util.HashSet<>();
                collect(each, named);
                named.stream().filter(c -> isInternal(c.getName()))
                        .forEach(c -> leaks.add(type.getName() + " exposes " + c.getName()));
            }
        }
        assertEquals(List.of(), leaks.stream().distinct().toList(), "public types that expose internal ones");
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** Every top-level class of pool-core's main output and the pool-core classes it refers to (nested ones merged). */
    static Map<String, Set<String>> classGraph() throws IOException {
        Path classes;
        try {
            classes = Path.of(Pool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")
                    && !f.getFileName().toString().equals("module-info.class"))::iterator) {
                String name = topLevel(classes.relativize(file).toString().replace('/', '.')
                        .replaceAll("\\.class$", ""));
                Set<String> refs = graph.computeIfAbsent(name, n -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(file)) {
                    for (String ref : referencedClasses(in)) {
                        String to = topLevel(ref.replace('/', '.'));
                        if (to.startsWith(ROOT + ".") && !to.equals(name)) {
                            refs.add(to);
                        }
                    }
                }
            }
        }
        graph.values().forEach(refs -> refs.retainAll(graph.keySet()));
        return graph;
    }

    /** The classes a class file's constant pool names: its class entries and every type in its descriptors. */
    private static Set<String> referencedClasses(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNames = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int index : classNames) {
            String name = utf8[index];
            names.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
        }
        for (String each : utf8) {
            if (each != null && each.contains("Lio/procpool/")) {
                Matcher m = CLASS_IN_DESCRIPTOR.matcher(each);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------- graphs

    /** The strongly connected components of more than one node (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- names

    private static void collect(Type type, Set<Class<?>> into) {
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            into.add(c);
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), into);
            for (Type argument : p.getActualTypeArguments()) {
                collect(argument, into);
            }
        } else if (type instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), into);
        } else if (type instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(t -> collect(t, into));
        } else if (type instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) {
                if (bound != type) {
                    collect(bound, into);
                }
            }
        }
    }

    private static void withNested(Class<?> type, List<Class<?>> into) {
        into.add(type);
        for (Class<?> nested : type.getDeclaredClasses()) {
            withNested(nested, into);
        }
    }

    private static boolean isApi(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean isInternal(String className) {
        return className.startsWith(ROOT + ".internal.");
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static String topLevel(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }
}
