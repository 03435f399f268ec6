package io.procpool.examples;

import io.procpool.Pool;
import io.procpool.ProcessPool;
import io.procpool.hazelcast.HazelcastPool;
import io.procpool.hazelcast.MemberProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scale-out: the main demo's computation (the primes below a limit, counted in ranges) on a Hazelcast cluster of two
 * member JVMs started on this machine, through {@link HazelcastPool}, and on a local {@link ProcessPool}: the same
 * {@code map} call on either {@link Pool}, both results and times. On one machine the cluster cannot be faster (its
 * members share the same cores); on N machines it has N times the cores. Start-up is timed apart: a cluster and a pool
 * are started once and then reused. The cluster has a key, as every cluster beyond one machine needs: the members and
 * the pool share a fresh random key in an owner-only file, and every task and answer is signed with it.
 *
 * <p>Threading: the main thread only; the ranges are counted in the members and in the pool's workers.
 */
public final class Cluster {
    /** Kept so the level set on it is not lost to garbage collection. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final List<String> MEMBER_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private Cluster() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) throws IOException {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        List<Speedup.Range> ranges = Speedup.ranges();
        int workers = Runtime.getRuntime().availableProcessors();
        System.out.printf("Counting the primes below %,d in %d ranges on a cluster of 2 members and on a pool of %d "
                + "workers%n", Speedup.LIMIT, Speedup.RANGES, workers);

        String name = "procpool-demo-" + ProcessHandle.current().pid();
        List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        Path key = clusterKey();
        List<String> keyed = List.of("--auth-key-file", key.toString());
        long start = System.nanoTime();
        try (MemberProcess first = MemberProcess.start(name, List.of(), classPath, MEMBER_JVM, keyed);
             MemberProcess second = MemberProcess.start(name, List.of(first.address()), classPath, MEMBER_JVM,
                     keyed)) {
            run("cluster:", start, () -> HazelcastPool.builder().clusterName(name).authKeyFile(key)
                    .addresses(first.address(), second.address()).build(), ranges, "2 members");
        } finally {
            Files.delete(key);
        }
        run("local pool:", System.nanoTime(), () -> ProcessPool.create(workers), ranges, workers + " workers");
    }

    /** 32 random bytes in a new file only this user can read, as {@code head -c 32 /dev/urandom > key} makes one. */
    private static Path clusterKey() throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = Files.createTempFile("procpool-demo-", ".key",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.write(file, key);
    }

    /** Starts a pool, counts the primes on it and prints the count and the times. */
    private static void run(String label, long start, Supplier<Pool> startPool, List<Speedup.Range> ranges,
                            String workers) {
        try (Pool pool = startPool.get()) {
            long startupNanos = System.nanoTime() - start;
            long mapStart = System.nanoTime();
            long count = pool.map(Speedup::countPrimes, ranges, 1).stream().mapToLong(Long::longValue).sum();
            long mapNanos = System.nanoTime() - mapStart;
            System.out.printf("%-11s %,6d ms  (%,d primes; starting the %s took %,d ms more)%n", label,
                    Speedup.millis(mapNanos), count, workers, Speedup.millis(startupNanos));
        }
    }
}
