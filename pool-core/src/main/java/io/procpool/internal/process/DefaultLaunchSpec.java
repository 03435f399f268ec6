package io.procpool.internal.process;

import io.procpool.PoolException;
import java.io.File;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a child JVM starts when nobody said otherwise: this JVM's {@code java.home}, this JVM's class path and module
 * path as the child's class path (plus what an application class loader of a launcher such as {@code mvn exec:java}
 * adds, since the system class path then holds only the launcher), and no extra options. Children always run on a
 * class path: it needs no {@code opens} for Kryo and no module of the application has to require pool-worker.
 *
 * <p>Thread-safety: stateless; every method is thread-safe.
 */
public final class DefaultLaunchSpec {
    private static final String MODULE_PATH = "jdk.module.path";
    private static final String WORKER_MODULE = "io.procpool.worker";
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

    /**
     * This JVM's class path entries, then its module path entries (a child runs them on its class path), then the file
     * URLs of the context class loader chain below the system one.
     */
    public static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>(pathProperty("java.class.path"));
        entries.addAll(pathProperty(MODULE_PATH));
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

    private static List<String> pathProperty(String name) {
        return Arrays.asList(System.getProperty(name, "").split(File.pathSeparator));
    }

    /** Whether pool-worker is on the module path, where no module of the application need require it. */
    private static boolean workerOnModulePath() {
        Path[] entries = pathProperty(MODULE_PATH).stream().filter(entry -> !entry.isEmpty()).map(Paths::get)
                .toArray(Path[]::new);
        return ModuleFinder.of(entries).find(WORKER_MODULE).isPresent();
    }

    private static void requireWorkerMain(String what) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class.forName(ChildProcess.WORKER_MAIN, false,
                    loader != null ? loader : ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            if (workerOnModulePath()) {
                return;
            }
            throw new PoolException("pool-worker is not on the class path, so a " + what + " cannot start: add the "
                    + "dependency io.procpool:pool-worker (runtime scope is enough) next to pool-core");
        }
    }
}
