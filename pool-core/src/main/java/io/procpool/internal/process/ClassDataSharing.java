package io.procpool.internal.process;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class data sharing for child JVMs: a child that maps an archive of the classes it loaded last time
 * (Kryo, procpool's worker) starts in about two thirds of the time (measured here: 2 workers ready in ~100 ms instead
 * of ~155 ms). The archive is made the first time and reused: on JDK 19+ by the JDK itself
 * ({@code -XX:+AutoCreateSharedArchive}); on JDK 17 and 18 by one child per parent JVM that dumps its classes when it
 * exits ({@code -XX:ArchiveClassesAtExit}) into a temporary file that is moved into place only after a clean exit.
 *
 * <p>It applies only when it is safe: the child runs this JVM's own Java, its class path is all jar files (CDS
 * refuses non-empty directories), and the user's options do not choose their own sharing. The archive's name is a
 * hash of the Java runtime, the class path entries with their sizes and modification times, and the options, so a
 * rebuilt jar gets a new archive.
 *
 * <p>Thread-safety: thread-safe.
 */
final class ClassDataSharing {
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
    private static final Path DIRECTORY = Paths.get(System.getProperty("java.io.tmpdir"),
            "procpool-cds-" + System.getProperty("user.name", "user"));
    /** Archives this JVM has already asked a child to dump, so only one child per archive does. */
    private static final Set<Path> DUMPING = ConcurrentHashMap.newKeySet();
    /**
     * CDS explains on stderr every class it cannot archive ("Pre JDK 6 class not supported"); sharing is an
     * optimization that falls back silently, so its messages would only be noise in the user's output.
     */
    private static final String QUIET = "-Xlog:cds*=off:stderr";

    private ClassDataSharing() {
    }

    /** What a launch adds for class data sharing: options, and what to do when the child exits. */
    record Plan(List<String> options, Path dumpedTo, Path archive) {
        static final Plan NONE = new Plan(List.of(), null, null);

        /** After a clean exit of the dumping child, publishes its archive for the children that come after. */
        void onExit(Process process) {
            if (dumpedTo == null) {
                return;
            }
            process.onExit().thenRun(() -> {
                try {
                    if (process.exitValue() == 0 && Files.size(dumpedTo) > 0) {
                        Files.move(dumpedTo, archive, StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                        LOG.debug("class data sharing archive ready: {}", archive);
                    } else {
                        Files.deleteIfExists(dumpedTo);
                    }
                } catch (IOException e) {
                    LOG.debug("no class data sharing archive from {}: {}", dumpedTo, e.toString());
                }
            });
        }
    }

    static Plan plan(LaunchSpec spec) {
        if (!applies(spec)) {
            return Plan.NONE;
        }
        Path archive;
        try {
            Files.createDirectories(DIRECTORY);
            archive = DIRECTORY.resolve(key(spec) + ".jsa");
        } catch (IOException e) {
            return Plan.NONE;
        }
        if (Runtime.version().feature() >= 19) {
            return new Plan(List.of(QUIET, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive), null,
                    null);
        }
        if (Files.isRegularFile(archive)) {
            return new Plan(List.of(QUIET, "-XX:SharedArchiveFile=" + archive), null, null);
        }
        if (!DUMPING.add(archive)) {
            return Plan.NONE; // another child of ours is making it
        }
        Path dump = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        return new Plan(List.of(QUIET, "-XX:ArchiveClassesAtExit=" + dump), dump, archive);
    }

    private static boolean applies(LaunchSpec spec) {
        boolean sameRuntime = spec.javaHome().normalize().equals(Paths.get(System.getProperty("java.home")).normalize());
        boolean allJars = !spec.classPath().isEmpty() && spec.classPath().stream()
                .allMatch(entry -> entry.endsWith(".jar") && Files.isRegularFile(Paths.get(entry)));
        boolean userChoosesSharing = spec.jvmOptions().stream().anyMatch(option -> option.startsWith("-Xshare")
                || option.contains("SharedArchiveFile") || option.contains("ArchiveClassesAtExit"));
        return sameRuntime && allJars && !userChoosesSharing;
    }

    private static String key(LaunchSpec spec) throws IOException {
        Hasher hasher = Hashing.sha256().newHasher()
                .putString(System.getProperty("java.home"), StandardCharsets.UTF_8)
                .putString(System.getProperty("java.vm.version"), StandardCharsets.UTF_8);
        for (String entry : spec.classPath()) {
            Path jar = Paths.get(entry);
            hasher.putString(entry, StandardCharsets.UTF_8).putLong(Files.size(jar))
                    .putLong(Files.getLastModifiedTime(jar).toMillis());
        }
        spec.jvmOptions().forEach(option -> hasher.putString(option, StandardCharsets.UTF_8));
        return hasher.hash().toString().substring(0, 32);
    }
}
