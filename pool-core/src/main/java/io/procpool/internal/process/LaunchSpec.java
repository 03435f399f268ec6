package io.procpool.internal.process;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start a child JVM: which {@code java}, which class path, which extra options. Immutable.
 *
 * <p>Thread-safety: immutable.
 *
 * @param javaHome   the JDK or JRE whose {@code bin/java} runs the child
 * @param classPath  the child's class path entries
 * @param jvmOptions extra options, after procpool's own (so a user's option wins where both set the same)
 */
public record LaunchSpec(Path javaHome, List<String> classPath, List<String> jvmOptions) {
    public LaunchSpec {
        classPath = List.copyOf(classPath);
        jvmOptions = List.copyOf(jvmOptions);
    }
}
