package io.procpool.internal.process;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <ul>
 *   <li>The archives live in {@code <java.io.tmpdir>/procpool-archives-<user>}, opened through
 *       {@link PrivateDirectory}:
 *       the JVM maps an archive as its own code, so a directory another local user could have planted (theirs, open
 *       to others, a symbolic link) is refused, with one warning that says why, and children then get no archive
 *       and nothing is written there.</li>
 *   <li>A truncated archive makes a JDK 17 child die with SIGBUS while it maps it, before any of its code runs. So
 *       a complete archive is moved into place under a name that records its size ({@code <key>.<bytes>.jsa}), in
 *       one atomic step that needs no second file (this JVM may exit right after), and an archive is passed only when
 *       its size is still the one its name records; one that is not is deleted and made again. A child that was
 *       given an archive and crashed (SIGBUS, SIGSEGV, or the JVM's abort after a fatal error) deletes it too, so
 *       the next start goes without it.</li>
 * </ul>
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
    /** Not {@code procpool-cds-<user>}, where earlier versions kept archives of unknown size, in mode 755. */
    private static final String DIRECTORY_NAME = "procpool-archives-" + System.getProperty("user.name", "user");
    /** Exit statuses of a JVM that crashed: abort() after its fatal error report, SIGBUS, SIGSEGV. */
    private static final Set<Integer> CRASHED = Set.of(128 + 6, 128 + 7, 128 + 11);
    /** Training children not yet finished: the shutdown hook publishes theirs if this JVM exits first. */
    private static final Set<Unfinished> UNFINISHED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    /** How long the shutdown hook waits for training children (a JDK 17 dump takes about half a second). */
    private static final long FINISH_AT_EXIT_MILLIS = 3_000;
    /** The refused directory is reported once per JVM, not once per child. */
    private static final AtomicBoolean REFUSAL_REPORTED = new AtomicBoolean();
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

    /**
     * What a launch adds: options, the archive they give the child to map ({@code null} when none), and what to do
     * once the child has exited (nothing when {@code afterExit} is null).
     */
    record Plan(List<String> options, Path mapped, AfterExit afterExit) {
        Plan(List<String> options, AfterExit afterExit) {
            this(options, null, afterExit);
        }

        /**
         * Deletes the archive this child was given if the child crashed: an archive broken in a way its size cannot
         * tell would otherwise crash every child. Called with the child's exit status, as soon as it is known.
         */
        void checkExit(int exitStatus) {
            if (mapped != null && CRASHED.contains(exitStatus)) {
                LOG.warn("a child JVM given the class archive {} crashed (exit status {}); the archive is deleted and "
                        + "the next children start without it", mapped, exitStatus);
                discard(mapped);
            }
        }

        /**
         * Runs {@link #afterExit} once {@code process} has exited: on the JDK's process-exit thread, or, if this JVM
         * is shutting down first (a short program that ends right after closing its pool), in its shutdown hook,
         * which waits a little for the child's exit.
         */
        void onExit(Process process) {
            if (afterExit == null) {
                return;
            }
            AtomicBoolean done = new AtomicBoolean();
            Runnable finish = () -> {
                if (done.compareAndSet(false, true)) {
                    try {
                        afterExit.run(process.exitValue() == 0);
                    } catch (IOException e) {
                        LOG.debug("no class data sharing archive: {}", e.toString());
                    }
                }
            };
            Unfinished unfinished = new Unfinished(process, finish);
            UNFINISHED.add(unfinished);
            if (HOOK_INSTALLED.compareAndSet(false, true)) {
                Runtime.getRuntime().addShutdownHook(new Thread(ClassDataSharing::finishAtExit,
                        "procpool-class-archives"));
            }
            process.onExit().thenRun(() -> {
                finish.run();
                UNFINISHED.remove(unfinished);
            });
        }
    }

    /** A training child whose archive is not published yet, and what publishes it. */
    private record Unfinished(Process process, Runnable finish) {
    }

    /** The shutdown hook: finishes the training children that exit within {@link #FINISH_AT_EXIT_MILLIS}. */
    private static void finishAtExit() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINISH_AT_EXIT_MILLIS);
        for (Unfinished unfinished : UNFINISHED) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0 && unfinished.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    unfinished.finish().run();
                }
            } catch (InterruptedException e) {
                return; // the JVM is being halted
            }
        }
    }

    /** The step after a training child's exit: publish what it left (or start making it), or clean up. */
    @FunctionalInterface
    interface AfterExit {
        void run(boolean clean) throws IOException;
    }

    static Plan plan(LaunchSpec spec) {
        return plan(spec, Paths.get(System.getProperty("java.io.tmpdir")));
    }

    /** The plan with the archives in {@code <tempRoot>/procpool-archives-<user>}: a seam for tests. */
    static Plan plan(LaunchSpec spec, Path tempRoot) {
        List<String> jdk = DefaultLaunchSpec.jdkOptions(spec.javaHome());
        if (!applies(spec)) {
            return new Plan(jdk, null);
        }
        Path base; // the archive's path without its size and extension
        try {
            Path directory = PrivateDirectory.open(tempRoot, DIRECTORY_NAME);
            if (!Files.isWritable(directory)) {
                // the JVM would print "Unable to create shared archive file" on the user's stderr at exit
                throw new IOException(directory + " is not writable");
            }
            base = directory.resolve(key(spec));
        } catch (IOException e) {
            if (REFUSAL_REPORTED.compareAndSet(false, true)) {
                LOG.warn("child JVMs start without a class archive: {}", e.getMessage());
            }
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
            // the JVM checks and rewrites this archive itself
            options.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + base + ".jsa"));
            return new Plan(options, null);
        }
        String extension = aotCache() ? ".aot" : ".jsa";
        Path archive = completeArchive(base, extension);
        if (archive != null) {
            options.add((aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
            return new Plan(options, archive, null);
        }
        if (!TRAINING.add(base)) {
            return new Plan(jdk, null); // another child of ours is training it
        }
        Path temporary = base.resolveSibling(base.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        if (!aotCache()) {
            options.add("-XX:ArchiveClassesAtExit=" + temporary);
            return new Plan(options, clean -> publish(clean, temporary, base, extension));
        }
        Path configuration = base.resolveSibling(base.getFileName() + "." + ProcessHandle.current().pid() + ".conf");
        List<String> shared = List.copyOf(options);
        options.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration));
        // the recording JVM prints "AOTConfiguration recorded: <file>" on exit, through no log tag: this one child's
        // VM messages are dropped (Java's own System.err is untouched)
        options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput"));
        return new Plan(options, clean -> assemble(clean, spec, shared, configuration, temporary, base));
    }

    /**
     * The complete archive {@code <base>.<bytes><extension>} whose size is still {@code bytes}, or null. One whose size
     * changed (truncated, rewritten) is deleted, so the next child makes it again.
     */
    private static Path completeArchive(Path base, String extension) {
        String prefix = base.getFileName() + ".";
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(base.getParent(), prefix + "*" + extension)) {
            for (Path candidate : candidates) {
                String name = candidate.getFileName().toString();
                String recorded = name.substring(prefix.length(), name.length() - extension.length());
                BasicFileAttributes file = Files.readAttributes(candidate, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (file.isRegularFile() && recorded.equals(Long.toString(file.size()))) {
                    return candidate;
                }
                LOG.debug("class archive {} is {} bytes, not the {} it was made with; deleted", candidate,
                        file.size(), recorded);
                discard(candidate);
            }
        } catch (IOException e) {
            LOG.debug("no class archive: {}", e.toString());
        }
        return null;
    }

    private static void discard(Path archive) {
        try {
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            LOG.debug("cannot delete the class archive {}: {}", archive, e.toString());
        }
    }

    private static boolean aotCache() {
        return Runtime.version().feature() >= AOT_CACHE_SINCE && Files.isExecutable(Paths.get(SHELL));
    }

    /** Moves a complete archive into place under its size, or deletes what a failed child left. */
    private static void publish(boolean clean, Path temporary, Path base, String extension) throws IOException {
        if (clean && Files.isRegularFile(temporary) && Files.size(temporary) > 0) {
            Path archive = base.resolveSibling(base.getFileName() + "." + Files.size(temporary) + extension);
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
                                 Path temporary, Path base) throws IOException {
        if (!clean || !Files.isRegularFile(configuration)) {
            Files.deleteIfExists(configuration);
            return;
        }
        // moved into place under its size, as publish() does ($((n)): wc may pad the number with blanks)
        List<String> command = new ArrayList<>(List.of(SHELL, "-c",
                "t=$1 b=$2 c=$3; shift 3; \"$@\" && n=$(wc -c < \"$t\") && mv -f \"$t\" \"$b.$((n)).aot\";"
                        + " rm -f \"$t\" \"$c\"",
                "sh", temporary.toString(), base.toString(), configuration.toString(),
                spec.javaHome().resolve("bin").resolve("java").toString()));
        command.addAll(shared);
        command.addAll(spec.jvmOptions());
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration,
                "-XX:AOTCache=" + temporary, "-cp",
                String.join(File.pathSeparator, spec.classPath())));
        Process creator = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        creator.getOutputStream().close();
        LOG.debug("assembling the AOT cache {} (pid {})", base, creator.pid());
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
