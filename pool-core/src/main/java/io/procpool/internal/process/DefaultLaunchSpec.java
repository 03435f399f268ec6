package io.procpool.internal.process;

import io.procpool.PoolException;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a child JVM starts when nobody said otherwise: this JVM's {@code java.home}, this JVM's class path (plus what an
 * application class loader of a launcher such as {@code mvn exec:java} adds, since the system class path then holds
 * only the launcher), and no extra options.
 *
 * <p>Thread-safety: stateless; every method is thread-safe.
 */
public final class DefaultLaunchSpec {
    private DefaultLaunchSpec() {
    }

    /**
     * @param what names the caller in the failure message, e.g. "JvmProcess"
     * @throws PoolException pool-worker, which holds the children's main class, is not on the class path
     */
    public static LaunchSpec forThisJvm(String what) {
        requireWorkerMain(what);
        return new LaunchSpec(Paths.get(System.getProperty("java.home")), classPath(), List.of());
    }

    /** This JVM's class path entries, then the file URLs of the context class loader chain below the system one. */
    public static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>(
                Arrays.asList(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader();
             loader != null && loader != ClassLoader.getSystemClassLoader(); loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        entries.add(Paths.get(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a file: a child could not use it anyway
                    }
                }
            }
        }
        entries.remove("");
        return List.copyOf(entries);
    }

    private static void requireWorkerMain(String what) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class.forName(ChildProcess.WORKER_MAIN, false,
                    loader != null ? loader : ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            throw new PoolException("pool-worker is not on the class path, so a " + what + " cannot start: add the "
                    + "dependency io.procpool:pool-worker (runtime scope is enough) next to pool-core");
        }
    }
}
