package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JvmProcess} with real child JVMs: exit codes in Python's convention, join, liveness, names, {@code current()}
 * in the child, subclass state travelling, and output forwarding. Every child a test starts is killed and joined
 * after it.
 */
class JvmProcessTest {
    /** Long enough that a child sleeping this long is still running when the test acts on it. */
    private static final long SLEEP_FOREVER_MILLIS = 60_000;
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final List<JvmProcess> started = new ArrayList<>();

    @AfterEach
    void killEveryChild() throws InterruptedException {
        for (JvmProcess process : started) {
            process.kill();
            process.join();
        }
    }

    private JvmProcess start(JvmProcess process) {
        process.start();
        started.add(process);
        return process;
    }

    private int exitCodeOf(JvmProcess process) throws InterruptedException {
        start(process).join();
        return process.exitCode().orElseThrow();
    }

    // ------------------------------------------------------------------------------------------- exit codes

    @Test
    void targetThatReturnsExitsWithZero() throws InterruptedException {
        JvmProcess process = new JvmProcess(() -> { });
        assertEquals(OptionalInt.empty(), process.exitCode());
        assertFalse(process.isAlive());
        assertEquals(0, exitCodeOf(process));
        assertFalse(process.isAlive());
    }

    @Test
    void systemExitGivesItsArgument() throws InterruptedException {
        assertEquals(1, exitCodeOf(new JvmProcess(() -> System.exit(1))));
        assertEquals(42, exitCodeOf(new JvmProcess(() -> System.exit(42))));
    }

    @Test
    void systemExit143IsNotTakenForSigterm() throws InterruptedException {
        assertEquals(143, exitCodeOf(new JvmProcess(() -> System.exit(143))));
    }

    @Test
    void uncaughtExceptionGivesOneWithItsStackTraceOnStderr() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(1, exitCodeOf(new JvmProcess("raises", JvmProcessTest::raise)));
            List<String> stderr = output.stderr();
            assertTrue(stderr.contains("Exception in process \"raises\" java.lang.IllegalStateException: "
                    + "There was an error!"), stderr::toString);
            assertTrue(stderr.stream().anyMatch(line -> line.contains("at io.procpool.JvmProcessTest.raise(")),
                    stderr::toString);
        }
    }

    private static void raise() {
        throw new IllegalStateException("There was an error!");
    }

    @Test
    void terminateGivesMinus15() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            JvmProcess process = start(new JvmProcess(() -> {
                System.out.println("sleeping");
                Thread.sleep(SLEEP_FOREVER_MILLIS);
            }));
            await().atMost(GENEROUS).until(() -> output.stdout().contains("sleeping"));
            process.terminate();
            process.join();
            assertEquals(OptionalInt.of(-15), process.exitCode());
            assertTrue(process.toString().endsWith(" stopped exitcode=-15>"), process::toString);
        }
    }

    @Test
    void terminateRightAfterStartGivesMinus15() throws InterruptedException {
        JvmProcess process = start(new JvmProcess(() -> Thread.sleep(SLEEP_FOREVER_MILLIS)));
        process.terminate();
        process.join();
        assertEquals(OptionalInt.of(-15), process.exitCode());
    }

    @Test
    void killGivesMinus9() throws InterruptedException {
        JvmProcess process = start(new JvmProcess(() -> Thread.sleep(SLEEP_FOREVER_MILLIS)));
        process.kill();
        process.join();
        assertEquals(OptionalInt.of(-9), process.exitCode());
    }

    // ------------------------------------------------------------------------------------- join and liveness

    @Test
    void joinWithTimeoutTellsWhetherTheChildEnded() throws InterruptedException {
        JvmProcess process = start(new JvmProcess(() -> Thread.sleep(SLEEP_FOREVER_MILLIS)));
        assertFalse(process.join(Duration.ofMillis(200)));
        assertTrue(process.isAlive());
        assertEquals(OptionalInt.empty(), process.exitCode());
        assertTrue(process.toString().endsWith(" started>"), process::toString);

        process.kill();
        assertTrue(process.join(GENEROUS));
        assertFalse(process.isAlive());
        assertTrue(process.exitCode().isPresent());
    }

    @Test
    void theChildWaitsForTheNonDaemonThreadsItsTargetStarted() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(0, exitCodeOf(new JvmProcess(() -> new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("thread done");
            }).start())));
            assertEquals(List.of("thread done"), output.stdout());
        }
    }

    @Test
    void misuseIsRefused() throws InterruptedException {
        JvmProcess process = new JvmProcess(() -> { });
        assertThrows(IllegalStateException.class, process::join);
        assertThrows(IllegalStateException.class, process::terminate);
        assertThrows(IllegalStateException.class, process::pid);
        start(process).join();
        assertThrows(IllegalStateException.class, process::start);
        assertThrows(IllegalStateException.class, () -> process.setDaemon(true));
        assertThrows(IllegalStateException.class, () -> JvmProcess.current().join());
    }

    // ------------------------------------------------------------------------------------ names and identity

    /** A subclass that carries state to the child and prints it there. */
    static final class Worker extends JvmProcess {
        private final int number;
        private final List<String> words;
        private final Map<String, Integer> counts;
        private final Point point;

        Worker(int number, List<String> words, Map<String, Integer> counts, Point point) {
            this.number = number;
            this.words = words;
            this.counts = counts;
            this.point = point;
        }

        @Override
        public void run() {
            System.out.println(getName() + " " + number + " " + words + " " + counts + " " + point + " "
                    + (JvmProcess.current() == this) + " " + ProcessHandle.current().pid());
        }
    }

    record Point(int x, int y) {
    }

    @Test
    void defaultNamesCountOncePerJvmAndUseTheSimpleClassName() {
        String first = new JvmProcess(() -> { }).getName();
        int n = Integer.parseInt(first.substring("JvmProcess-".length()));
        assertEquals("JvmProcess-" + n, first);
        assertEquals("named", new JvmProcess("named", () -> { }).getName());
        assertEquals("Worker-" + (n + 2), new Worker(0, List.of(), Map.of(), null).getName());
        assertEquals("JvmProcess-" + (n + 3), new JvmProcess() { }.getName());
    }

    @Test
    void subclassStateTravelsAndRunRunsInTheChild() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            Worker worker = new Worker(7, List.of("a", "b"), Map.of("c", 3), new Point(1, 2));
            start(worker).join();
            assertEquals(OptionalInt.of(0), worker.exitCode());
            assertEquals(List.of(worker.getName() + " 7 [a, b] {c=3} Point[x=1, y=2] true " + worker.pid()),
                    output.stdout());
            assertNotEquals(ProcessHandle.current().pid(), worker.pid());
        }
    }

    @Test
    void currentInTheChildIsTheChildItself() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            JvmProcess process = new JvmProcess("worker 1", () -> {
                JvmProcess self = JvmProcess.current();
                System.out.println(self.getName() + "|" + self.pid() + "|" + self.isDaemon() + "|" + self.isAlive()
                        + "|" + self);
            });
            process.setDaemon(true);
            start(process).join();
            long parent = ProcessHandle.current().pid();
            assertEquals(List.of("worker 1|" + process.pid() + "|true|true|<JvmProcess name='worker 1' pid="
                    + process.pid() + " parent=" + parent + " started daemon>"), output.stdout());
        }
    }

    @Test
    void currentInTheParentIsMainProcess() {
        JvmProcess main = JvmProcess.current();
        assertEquals("MainProcess", main.getName());
        assertEquals(ProcessHandle.current().pid(), main.pid());
        assertFalse(main.isDaemon());
        assertTrue(main.isAlive());
        assertEquals(OptionalInt.empty(), main.exitCode());
        assertTrue(main.toString().startsWith("<JvmProcess name='MainProcess' pid=" + main.pid()), main::toString);
    }

    @Test
    void currentInAPoolWorkerIsNamedAfterTheWorker() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("current").build()) {
            assertEquals("current-worker-1 true " + pool.workers().get(0).pid(), pool.apply(() -> {
                JvmProcess self = JvmProcess.current();
                return self.getName() + " " + self.isDaemon() + " " + self.pid();
            }));
        }
    }

    @Test
    void toStringShowsNamePidParentStateAndDaemon() throws InterruptedException {
        long parent = ProcessHandle.current().pid();
        JvmProcess process = new JvmProcess("worker 1", () -> { });
        process.setDaemon(true);
        assertEquals("<JvmProcess name='worker 1' parent=" + parent + " initial daemon>", process.toString());
        start(process).join();
        assertEquals("<JvmProcess name='worker 1' pid=" + process.pid() + " parent=" + parent
                + " stopped exitcode=0 daemon>", process.toString());
    }

    // ------------------------------------------------------------------------------------------------ output

    @Test
    void childOutputReachesTheParentsStreamsAsWholeLines() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            exitCodeOf(new JvmProcess(() -> {
                System.out.println("out 1");
                System.err.println("err 1");
                System.out.print("out 2, ");
                System.out.print("still line 2");
                System.out.println();
                System.out.print("a last line without its newline");
            }));
            assertEquals(List.of("out 1", "out 2, still line 2", "a last line without its newline"),
                    output.stdout());
            assertEquals(List.of("err 1"), output.stderr());
        }
    }

    @Test
    void aChildStartedByAChildIsJoinedThere() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(0, exitCodeOf(new JvmProcess("outer", () -> {
                JvmProcess inner = new JvmProcess("inner", () -> System.out.println("inner ran"));
                inner.start();
                if (!inner.join(Duration.ofSeconds(60))) {
                    inner.kill();
                }
                System.out.println("inner exit code " + inner.exitCode());
            })));
            assertEquals(List.of("inner ran", "inner exit code OptionalInt[0]"), output.stdout());
        }
    }
}
