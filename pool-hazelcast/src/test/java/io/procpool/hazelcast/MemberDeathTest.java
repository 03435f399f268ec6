package io.procpool.hazelcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member SIGKILLed while it runs tasks: with failover a survivor completes every task and the call returns whole;
 * without failover, or with no member left to take over, the lost task fails with {@link MemberLostException} instead
 * of hanging. The tests run in order on one cluster of three members, and each kills one.
 *
 * <p>Threading: JUnit's; tasks leave a marker file per start ({@code start-<item>-<pid>}) so the test knows which
 * member runs what without waiting on time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemberDeathTest {
    /** A hang guard, never a timing assertion. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(90);

    @TempDir
    static Path markers;
    private static TestCluster cluster;

    /** What one task reports: its item and the member JVM that ran it. */
    record Run(int item, long pid) {
    }

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** Marks its start, works for {@code millis} (simulated work, not a wait for a condition), reports who ran it. */
    static Run work(String markerDirectory, int item, long millis) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        Files.writeString(Paths.get(markerDirectory, "start-" + item + "-" + pid + "-" + System.nanoTime()), "");
        TimeUnit.MILLISECONDS.sleep(millis);
        return new Run(item, pid);
    }

    /** The pids of the members that have started {@code item} (or any item, for -1), per the marker files. */
    private static Set<Long> startedBy(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(prefix))
                    .map(name -> Long.parseLong(name.split("-")[2])).collect(Collectors.toSet());
        }
    }

    private static Optional<MemberProcess> memberWithPid(long pid) {
        return cluster.members.stream().filter(member -> member.pid() == pid).findFirst();
    }

    @Test
    @Order(1)
    void withFailoverTheSurvivorCompletesEveryTaskOfAMemberKilledMidMap() throws Exception {
        String directory = markers.toString();
        List<Integer> items = IntStream.range(0, 40).boxed().toList();
        try (HazelcastPool pool = cluster.poolBuilder().build()) {
            CompletableFuture<List<Run>> runs = pool.mapAsync(item -> work(directory, item, 150), items, 1);
            await().atMost(HANG_GUARD).until(() -> !startedBy("start-").isEmpty());
            MemberProcess victim = memberWithPid(startedBy("start-").iterator().next()).orElseThrow();
            victim.kill();
            cluster.members.remove(victim);

            List<Run> results = runs.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            assertEquals(items, results.stream().map(Run::item).toList(), "every task answered once, in order");
            long rerun = 0;
            for (Run run : results) {
                if (run.pid() != victim.pid() && startedBy("start-" + run.item() + "-").contains(victim.pid())) {
                    rerun++;
                }
            }
            assertTrue(rerun > 0, () -> "no task the victim had started was completed by a survivor: " + results);
        }
    }

    @Test
    @Order(2)
    void withoutFailoverATaskOfAKilledMemberFailsWithMemberLostException() throws Exception {
        String directory = markers.toString();
        try (HazelcastPool pool = cluster.poolBuilder().failover(false).connectTimeout(Duration.ofSeconds(5))
                .build()) {
            CompletableFuture<Run> run = pool.applyAsync(item -> work(directory, item, 60_000), 1_000);
            await().atMost(HANG_GUARD).until(() -> !startedBy("start-1000-").isEmpty());
            MemberProcess runner = memberWithPid(startedBy("start-1000-").iterator().next()).orElseThrow();
            runner.kill();
            cluster.members.remove(runner);
            assertLost(run);
        }
    }

    @Test
    @Order(3)
    void withFailoverButNoMemberLeftTheTaskFailsWithMemberLostException() throws Exception {
        String directory = markers.toString();
        try (HazelcastPool pool = cluster.poolBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            CompletableFuture<Run> run = pool.applyAsync(item -> work(directory, item, 60_000), 2_000);
            await().atMost(HANG_GUARD).until(() -> !startedBy("start-2000-").isEmpty());
            cluster.members.forEach(MemberProcess::kill);
            assertLost(run);
        }
    }

    private static void assertLost(CompletableFuture<Run> run) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> run.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
        MemberLostException lost = assertInstanceOf(MemberLostException.class, e.getCause());
        assertTrue(lost.getMessage().contains("was lost"), lost::getMessage);
        assertEquals(MemberLostException.UNKNOWN_EXIT_CODE, lost.exitCode());
    }
}
