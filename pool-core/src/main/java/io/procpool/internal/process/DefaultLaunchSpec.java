package io.procpool.internal.process;

import io.procpool.PoolException;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a child JVM starts when nobody said otherwise: this JVM's {@code java.home}, this JVM's class path and module
 * path as the child's class path (plus what an application class loader of a launcher such as {@code mvn exec:java}
 * adds, since the system class path then holds only the launcher), and no extra options. Children always run on a
 * class path: it needs no {@code opens} for Kryo and no module of the application has to require pool-worker.
 *
 * <p>It also knows the options every child gets from procpool ({@link #jdkOptions}), whoever chose its javaHome: the
 * ones its JDK's version needs, and where a crash report goes.
 *
 * <p>Thread-safety: stateless; every method is thread-safe.
 */
public final class DefaultLaunchSpec {
    private static final String MODULE_PATH = "jdk.module.path";
    private static final String WORKER_MODULE = "io.procpool.worker";
    /** JEP 471's flag, known from JDK 23 on; an older JVM refuses to start with it. */
    private static final int UNSAFE_FLAG_SINCE = 23;
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    private static final String ERROR_FILE = "-XX:ErrorFile=";
    /** Where a user may have set JVM options for every JVM: an ErrorFile of theirs there is their choice. */
    private static final List<String> OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private DefaultLaunchSpec() {
    }

    /**
     * The options procpool gives a child JVM in {@code javaHome} (a pool worker, a {@code JvmProcess} child, a cluster
     * member), before the user's own options:
     * <ul>
     *   <li>from JDK 23 on, {@code --sun-misc-unsafe-memory-access=allow}, so that Kryo's {@code sun.misc.Unsafe}
     *       calls in the child print no JEP 498 warning on the user's stderr (they are procpool's business, not the
     *       user's);</li>
     *   <li>{@code -XX:ErrorFile=<crash directory>/hs_err_pid%p.log} ({@link #crashDirectory}): a child that crashes
     *       natively (a JNI library's segfault) writes its {@code hs_err_pid<pid>.log} there, not into the user's
     *       working directory, where every crashed worker of a long-running pool would leave one. The crash banner on
     *       the child's stderr, which a {@code WorkerDiedException} carries in its stderr tail, names the file. A
     *       user's own {@code -XX:ErrorFile} wins: in {@code jvmOptions} it comes later on the command line, and one
     *       in {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS} makes procpool leave the
     *       option out.</li>
     * </ul>
     */
    public static List<String> jdkOptions(Path javaHome) {
        List<String> options = new ArrayList<>();
        OptionalInt feature = featureVersion(javaHome);
        if (feature.isPresent() && feature.getAsInt() >= UNSAFE_FLAG_SINCE) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        boolean usersOwn = OPTION_VARIABLES.stream().map(System::getenv)
                .anyMatch(value -> value != null && value.contains(ERROR_FILE));
        if (!usersOwn) {
            CrashDirectory.PATH.ifPresent(directory -> options.add(ERROR_FILE + directory.resolve("hs_err_pid%p.log")));
        }
        return List.copyOf(options);
    }

    /**
     * Where children's crash reports go: {@code procpool-crashes-<user>} under {@code java.io.tmpdir}, a directory
     * only this user can enter ({@link PrivateDirectory}); empty when it cannot be had, and then a child gets no
     * ErrorFile option (the JVM's default, the working directory, is better than no report).
     */
    public static Optional<Path> crashDirectory() {
        return CrashDirectory.PATH;
    }

    /** The crash directory, made once, when a child is first launched. */
    private static final class CrashDirectory {
        static final Optional<Path> PATH = open();

        private static Optional<Path> open() {
            try {
                return Optional.of(PrivateDirectory.inTemp("procpool-crashes-" + System.getProperty("user.name")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * The feature version (17, 25) of the Java runtime in {@code javaHome}: this JVM's own, or what the runtime's
     * {@code release} file says; empty when it cannot be told, and then a child gets no version-dependent option.
     */
    static OptionalInt featureVersion(Path javaHome) {
        if (javaHome.normalize().equals(Paths.get(System.getProperty("java.home")).normalize())) {
            return OptionalInt.of(Runtime.version().feature());
        }
        try {
            Matcher version = RELEASE_VERSION.matcher(Files.readString(javaHome.resolve("release")));
            return version.find() ? OptionalInt.of(Integer.parseInt(version.group(1))) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
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
            Class.forName(ChildJvm.WORKER_MAIN, false,
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
