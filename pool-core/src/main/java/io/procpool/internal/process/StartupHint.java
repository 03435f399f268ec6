package io.procpool.internal.process;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to tell a user whose child JVM died before it was ready because a class was missing from its class path: the
 * jar to add, read off the class the JVM names on its stderr. The worker's main class is in every stack trace of such
 * a child, so naming pool-worker is right only when that class itself is what the JVM could not load.
 *
 * <p>Thread-safety: stateless.
 */
public final class StartupHint {
    private static final Pattern MISSING_CLASS = Pattern.compile(
            "(?:NoClassDefFoundError|ClassNotFoundException|Could not find or load main class)[:\\s]+([\\w.$/]+)");
    /** Package prefixes of procpool's dependencies and the artifact that holds each; the first match wins. */
    private static final List<Map.Entry<String, String>> ARTIFACTS = List.of(
            Map.entry("io.procpool.worker.", "io.procpool:pool-worker"),
            Map.entry("io.procpool.", "io.procpool:pool-core"),
            Map.entry("com.esotericsoftware.kryo.", "com.esotericsoftware:kryo"),
            Map.entry("com.esotericsoftware.minlog.", "com.esotericsoftware:minlog (a dependency of Kryo)"),
            Map.entry("com.esotericsoftware.reflectasm.", "com.esotericsoftware:reflectasm (a dependency of Kryo)"),
            Map.entry("org.objenesis.", "org.objenesis:objenesis (a dependency of Kryo)"),
            Map.entry("com.google.common.", "com.google.guava:guava"),
            Map.entry("org.slf4j.", "org.slf4j:slf4j-api"));

    private StartupHint() {
    }

    /**
     * @param stderrTail the last lines the child printed on stderr
     * @return a paragraph starting with a line break that names the missing class and its jar, or "" when the
     *     stderr names no missing class
     */
    public static String forStderr(String stderrTail) {
        Matcher matcher = MISSING_CLASS.matcher(stderrTail);
        if (!matcher.find()) {
            return "";
        }
        String missing = matcher.group(1).replace('/', '.');
        String artifact = ARTIFACTS.stream().filter(entry -> missing.startsWith(entry.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (artifact == null) {
            return "\nThe class " + missing + " is not on the workers' class path: add the jar that holds it, or set "
                    + "the class path on the builder.";
        }
        return "\nThe class " + missing + " is not on the workers' class path: add the dependency " + artifact
                + (artifact.endsWith("pool-worker") ? " (runtime scope is enough)" : "")
                + ", or set the class path on the builder.";
    }
}
