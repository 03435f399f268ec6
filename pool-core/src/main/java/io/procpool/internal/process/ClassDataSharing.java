package io.procpool.internal.process;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a child JVM is started with to start fast: the options of its JDK's version
 * ({@link DefaultLaunchSpec#jdkOptions}) and an archive of the classes a child loaded last time (Kryo, procpool's
 * worker), made the first time and reused.
 * <ul>
 *   <li>JDK 24 and later: an AOT cache (JEP 483: classes loaded and linked ahead of time; from JDK 25 also JEP 515's
 *       method profiles, so the JIT starts sooner). One child per parent JVM records its configuration when it exits
 *       ({@code -XX:AOTMode=record}); after a clean exit the parent starts a short JVM in the background that assembles
 *       the cache from it ({@code -XX:AOTMode=create}) into a temporary file, which a shell around that JVM moves into
 *       place when complete (about 0.4 s of CPU here, once per class path and options).
 *       Later children map it with {@code -XX:AOTCache}, whose default mode ({@code auto}) starts without it when it
 *       cannot be used.</li>
 *   <li>JDK 19 to 23: the JDK makes and reuses a CDS archive itself ({@code -XX:+AutoCreateSharedArchive}).</li>
 *   <li>JDK 17 and 18: one child per parent JVM dumps its classes when it exits ({@code -XX:ArchiveClassesAtExit})
 *       into a temporary file that is moved into place only after a clean exit.</li>
 * </ul>
 * A missing, stale or broken archive never fails a start: the child then starts as it would without one.
 *
 * <p>Archives apply only when it is safe: the child runs this JVM's own Java, its class path is all jar files (CDS
 * refuses non-empty directories), and the user's options do not choose their own sharing. The archive's name is a
 * hash of the Java runtime, the class path entries with their sizes and modification times, and the options, so a
 * rebuilt jar gets a new archive.
 *
 * <p>The JVM that assembles an AOT cache is not reaped with this one's children: it reads nothing from this JVM,
 * ends by itself within seconds and would otherwise be killed whenever a short program ends right after closing its
 * pool, so that such a program would never get its cache.
 *
 * <p>Thread-safety: thread-safe.
 */
final class ClassDataSharing {
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
    private static final Path DIRECTORY = Paths.get(System.getProperty("java.io.tmpdir"),
            "procpool-cds-" + System.getProperty("user.name", "user"));
    /** Archives this JVM has already asked a child to record or dump, so only one child per archive does. */
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();
    private static final int AOT_CACHE_SINCE = 24;
    /** JDK 25 moved the archive's log messages from the {@code cds} tag to {@code aot}; older JVMs reject the tag. */
    private static final int AOT_LOG_TAG_SINCE = 25;
    private static final int AUTO_ARCHIVE_SINCE = 19;
    /** Runs the JVM that assembles an AOT cache; without it (Windows) children get no AOT cache. */
    private static final String SHELL = "/bin/sh";

    private ClassDataSharing() {
    }

    /** What a launch adds: options, and what to do once the child has exited (nothing when {@code afterExit} is null). */
    record Plan(List<String> options, AfterExit afterExit) {
        /** Runs {@link #afterExit} when {@code process} has exited. */
        void onExit(Process process) {
            if (afterExit == null) {
                return;
            }
            process.onExit().thenRun(() -> {
                try {
                    afterExit.run(process.exitValue() == 0);
                } catch (IOException e) {
                    LOG.debug("no class data sharing archive: {}", e.toString());
                }
            });
        }
    }

    /** The step after a training child's exit: publish what it left (or start making it), or clean up. */
    @FunctionalInterface
    interface AfterExit {
        void run(boolean clean) throws IOException;
    }

    static Plan plan(LaunchSpec spec) {
        List<String> jdk = DefaultLaunchSpec.jdkOptions(spec.javaHome());
        if (!applies(spec)) {
            return new Plan(jdk, null);
        }
        Path archive;
        try {
            Files.createDirectories(DIRECTORY);
            archive = DIRECTORY.resolve(key(spec) + (aotCache() ? ".aot" : ".jsa"));
        } catch (IOException e) {
            return new Plan(jdk, null);
        }
        List<String> options = new ArrayList<>(jdk);
        // sharing is an optimization that falls back silently: its messages ("Pre JDK 6 class not supported",
        // "Unable to map shared spaces") would only be noise in the user's stderr
        options.add("-Xlog:cds*=off:stderr");
        if (Runtime.version().feature() >= AOT_LOG_TAG_SINCE) {
            options.add("-Xlog:aot*=off:stderr");
        }
        if (Runtime.version().feature() >= AUTO_ARCHIVE_SINCE && !aotCache()) {
            options.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive));
            return new Plan(options, null);
        }
        if (Files.isRegularFile(archive)) {
            options.add((aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
            return new Plan(options, null);
        }
        if (!TRAINING.add(archive)) {
            return new Plan(jdk, null); // another child of ours is training it
        }
        Path temporary = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        if (!aotCache()) {
            options.add("-XX:ArchiveClassesAtExit=" + temporary);
            return new Plan(options, clean -> publish(clean, temporary, archive));
        }
        Path configuration = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid()
                + ".conf");
        List<String> shared = List.copyOf(options);
        options.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration));
        // the recording JVM prints "AOTConfiguration recorded: <file>" on exit, through no log tag: this one child's
        // VM messages are dropped (Java's own System.err is untouched)
        options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput"));
        return new Plan(options, clean -> assemble(clean, spec, shared, configuration, temporary, archive));
    }

    private static boolean aotCache() {
        return Runtime.version().feature() >= AOT_CACHE_SINCE && Files.isExecutable(Paths.get(SHELL));
    }

    /** Moves a complete archive into place, or deletes what a failed child left. */
    private static void publish(boolean clean, Path temporary, Path archive) throws IOException {
        if (clean && Files.isRegularFile(temporary) && Files.size(temporary) > 0) {
            Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.debug("class data sharing archive ready: {}", archive);
        } else {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Starts the JVM that makes the AOT cache from a recorded configuration, with the training child's options
     * ({@code shared}: the same flags as every child's, or the cache would not fit them). A shell runs it and moves
     * the complete cache into place: this JVM may be gone by then.
     */
    private static void assemble(boolean clean, LaunchSpec spec, List<String> shared, Path configuration,
                                 Path temporary, Path archive) throws IOException {
        if (!clean || !Files.isRegularFile(configuration)) {
            Files.deleteIfExists(configuration);
            return;
        }
        List<String> command = new ArrayList<>(List.of(SHELL, "-c",
                "t=$1 a=$2 c=$3; shift 3; \"$@\" && mv -f \"$t\" \"$a\"; rm -f \"$t\" \"$c\"", "sh",
                temporary.toString(), archive.toString(), configuration.toString(),
                spec.javaHome().resolve("bin").resolve("java").toString()));
        command.addAll(shared);
        command.addAll(spec.jvmOptions());
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration,
                "-XX:AOTCache=" + temporary, "-cp",
                String.join(File.pathSeparator, spec.classPath())));
        Process creator = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        creator.getOutputStream().close();
        LOG.debug("assembling the AOT cache {} (pid {})", archive, creator.pid());
    }

    private static boolean applies(LaunchSpec spec) {
        boolean sameRuntime = spec.javaHome().normalize().equals(Paths.get(System.getProperty("java.home")).normalize());
        boolean allJars = !spec.classPath().isEmpty() && spec.classPath().stream()
                .allMatch(entry -> entry.endsWith(".jar") && Files.isRegularFile(Paths.get(entry)));
        boolean userChoosesSharing = spec.jvmOptions().stream().anyMatch(option -> option.startsWith("-Xshare")
                || option.contains("SharedArchiveFile") || option.contains("ArchiveClassesAtExit")
                || option.startsWith("-XX:AOT"));
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
