package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import io.procpool.internal.process.HostProcess;
import io.procpool.internal.process.RuntimeDirectory;
import io.procpool.internal.shm.Regions;
import io.procpool.internal.shm.SharedValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedLong}, {@link SharedLongArray}, {@link SharedDoubleArray} and {@link Shared} across real JVMs: used from
 * the parent, a {@link JvmProcess} child, a pool task and a grandchild; atomic across processes; refused outside the
 * host's tree; a worker SIGKILLed while it reads or writes; the files they leave and who removes them.
 */
class SharedMemoryTest {
    private static ProcessPool pool;
    private final List<JvmProcess> started = new ArrayList<>();
    private final List<SharedMemoryHandle> created = new ArrayList<>();

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("shm").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @AfterEach
    void killChildrenAndFreeMemory() throws InterruptedException {
        for (JvmProcess process : started) {
            process.kill();
            process.join();
        }
        created.forEach(SharedMemoryHandle::close);
    }

    private <T extends SharedMemoryHandle> T created(T handle) {
        created.add(handle);
        return handle;
    }

    private int exitCodeOf(JvmProcess process) throws InterruptedException {
        process.start();
        started.add(process);
        process.join();
        return process.exitCode().orElseThrow();
    }

    // ------------------------------------------------------------------------------ every type, every process

    /** What each process does with the four types: its own slot of each array, one increment, a read of the value. */
    static void touchEveryType(int slot, SharedLong counter, SharedLongArray longs, SharedDoubleArray doubles,
                               Shared<List<String>> words) {
        counter.incrementAndGet();
        longs.set(slot, 10L * slot + words.get().size());
        doubles.set(slot, slot + 0.5);
    }

    /** A {@link JvmProcess} whose fields carry the handles. */
    static final class Toucher extends JvmProcess {
        private final int slot;
        private final SharedLong counter;
        private final SharedLongArray longs;
        private final SharedDoubleArray doubles;
        private final Shared<List<String>> words;

        Toucher(int slot, SharedLong counter, SharedLongArray longs, SharedDoubleArray doubles,
                Shared<List<String>> words) {
            this.slot = slot;
            this.counter = counter;
            this.longs = longs;
            this.doubles = doubles;
            this.words = words;
        }

        @Override
        public void run() {
            touchEveryType(slot, counter, longs, doubles, words);
        }
    }

    @Test
    void everyTypeWorksInTheParentAChildAPoolTaskAndAGrandchild() throws Exception {
        SharedLong counter = created(SharedLong.create(0));
        SharedLongArray longs = created(SharedLongArray.create(5));
        SharedDoubleArray doubles = created(SharedDoubleArray.create(5));
        Shared<List<String>> words = created(pool.share(List.of("a", "b", "c")));

        touchEveryType(0, counter, longs, doubles, words);                                          // the parent
        assertEquals(0, exitCodeOf(new JvmProcess(() -> touchEveryType(1, counter, longs, doubles, words)))); // lambda
        assertEquals(0, exitCodeOf(new Toucher(2, counter, longs, doubles, words)));               // fields
        pool.applyAsync((SharedLongArray argument) -> {                                             // a task argument
            touchEveryType(3, counter, argument, doubles, words);
            return 0;
        }, longs).get(30, TimeUnit.SECONDS);
        assertEquals(0, exitCodeOf(new JvmProcess(() -> {                                           // a grandchild
            JvmProcess grandchild = new JvmProcess(() -> touchEveryType(4, counter, longs, doubles, words));
            grandchild.start();
            grandchild.join();
            System.exit(grandchild.exitCode().orElseThrow());
        })));

        assertEquals(5, counter.get());
        assertArrayEquals(new long[] {3, 13, 23, 33, 43}, longs.get(0, new long[5]));
        assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5, 4.5}, doubles.get(0, new double[5]));
    }

    @Test
    void compareAndSetAddAndGetAndRunsWorkAcrossProcesses() throws Exception {
        SharedLong value = created(SharedLong.create(7));
        SharedLongArray longs = created(SharedLongArray.of(1, 2, 3, 4));
        List<Object> seen = pool.applyAsync(() -> List.<Object>of(value.compareAndSet(7, 8), value.compareAndSet(7, 9),
                value.addAndGet(-3), longs.get(1, new long[3]).clone(), longs.addAndGet(0, 10),
                longs.compareAndSet(3, 4, 40))).get(30, TimeUnit.SECONDS);
        assertEquals(true, seen.get(0));
        assertEquals(false, seen.get(1));
        assertEquals(5L, seen.get(2));
        assertArrayEquals(new long[] {2, 3, 4}, (long[]) seen.get(3));
        assertEquals(11L, seen.get(4));
        assertEquals(true, seen.get(5));
        assertArrayEquals(new long[] {11, 2, 3, 40}, longs.get(0, new long[4]));
    }

    // ------------------------------------------------------------------------------------------ atomicity

    @Test
    void threeProcessesIncrementingAtOnceGiveTheExactSum() throws Exception {
        int perProcess = 1_000_000;
        SharedLong counter = created(SharedLong.create(0));
        SharedLong arrived = created(SharedLong.create(0));
        TaskCallable<Integer> increments = () -> {
            arrived.incrementAndGet();
            while (arrived.get() < 3) {
                Thread.onSpinWait(); // all three start together, or a JVM's start-up would serialize them
            }
            for (int i = 0; i < perProcess; i++) {
                counter.incrementAndGet();
            }
            return perProcess;
        };
        JvmProcess child = new JvmProcess(() -> increments.call());
        child.start();
        started.add(child);
        CompletableFuture<Integer> task = pool.applyAsync(increments);
        increments.call();                                                      // and the parent
        task.get(60, TimeUnit.SECONDS);
        child.join();
        assertEquals(0, child.exitCode().orElseThrow());
        assertEquals(3L * perProcess, counter.get());
    }

    // --------------------------------------------------------------------------------------------- refusal

    @Test
    void handleHostedByAWorkerIsRefusedInTheParentNamingWhy() {
        List<Object> made = pool.apply(() -> List.of(SharedLong.create(1), ProcessHandle.current().pid()));
        SharedLong fromWorker = (SharedLong) made.get(0);
        long workerPid = (Long) made.get(1);
        PoolException e = assertThrows(PoolException.class, fromWorker::get);
        assertTrue(e.getMessage().matches("SharedLong #\\d+ of process " + workerPid + " is hosted by process "
                + workerPid + ", which is neither this process nor one of its ancestors: a SharedLong works only in "
                + "the JVM that created it and the processes that JVM started"), e.getMessage());
    }

    @Test
    void closedHandlesFailEverywhereWithPoolException() throws Exception {
        SharedLongArray longs = SharedLongArray.of(1, 2);
        Shared<String> word = pool.share("word");
        assertEquals("word", pool.apply(() -> word.get() + longs.get(0)).substring(0, 4));
        longs.close();
        word.close();
        PoolException here = assertThrows(PoolException.class, () -> longs.get(0));
        assertEquals(longs + " was closed", here.getMessage());
        assertTrue(longs.toString().matches("SharedLongArray #\\d+ of process \\d+"), longs.toString());
        assertEquals(word + " was closed", assertThrows(PoolException.class, word::get).getMessage());
        List<String> inWorkers = pool.map(i -> {
            try {
                return i == 0 ? String.valueOf(longs.get(0)) : word.get();
            } catch (PoolException e) {
                return e.getMessage();
            }
        }, List.of(0, 1), 1);
        assertEquals(List.of(longs + " was closed", word + " was closed"), inWorkers);
    }

    // ----------------------------------------------------------------------------------- Pool.share counts

    @Test
    void sharedValueIsEncodedOnceAndDecodedOncePerWorkerRespawnedOnesToo() throws Exception {
        long encodesBefore = SharedValues.encodes();
        int[] table = LongStream.range(0, 100_000).mapToInt(i -> (int) i).toArray();
        try (ProcessPool fresh = ProcessPool.builder().workers(2).name("share").build();
             Shared<int[]> shared = fresh.share(table)) {
            assertEquals(encodesBefore + 1, SharedValues.encodes());
            assertEquals(table, shared.get(), "the parent gets the value itself");
            List<long[]> seen = fresh.map(i -> new long[] {ProcessHandle.current().pid(), shared.get()[i],
                    SharedValues.decodes()}, LongStream.range(0, 400).mapToObj(i -> (int) i).toList(), 1);
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i, seen.get(i)[1]);
            }
            assertEquals(2, seen.stream().mapToLong(s -> s[0]).distinct().count(), "both workers ran tasks");
            assertTrue(seen.stream().allMatch(s -> s[2] == 1), "one decode in each worker, whatever the tasks");
            assertEquals(encodesBefore + 1, SharedValues.encodes(), "still encoded once");

            // a worker SIGKILLed while it reads the shared value fails that task alone; its replacement decodes it once
            ExecutionException died = assertThrows(ExecutionException.class, () -> fresh.applyAsync(() -> {
                int first = shared.get()[0];
                return first + FaultTasks.sigkillSelf().call();
            }).get(60, TimeUnit.SECONDS));
            assertTrue(died.getCause() instanceof WorkerDiedException, died.getCause().toString());
            long survivor = seen.stream().mapToLong(s -> s[0]).filter(pid -> fresh.workers().stream()
                    .anyMatch(w -> w.pid() == pid)).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> fresh.workers().stream()
                    .anyMatch(w -> w.pid() != survivor && w.state() == WorkerInfo.State.RUNNING));
            try (SharedLong arrived = SharedLong.create(0)) {
                List<long[]> after = fresh.map(i -> {
                    arrived.incrementAndGet();
                    long until = System.nanoTime() + 20_000_000_000L;
                    while (arrived.get() < 2 && System.nanoTime() < until) {
                        Thread.onSpinWait(); // the two tasks meet, so each worker runs one
                    }
                    return new long[] {ProcessHandle.current().pid(), shared.get()[i], SharedValues.decodes()};
                }, List.of(5, 6), 1);
                assertEquals(List.of(5L, 6L), after.stream().map(s -> s[1]).toList());
                assertEquals(2, after.stream().mapToLong(s -> s[0]).distinct().count(), "both workers ran one");
                assertTrue(after.stream().allMatch(s -> s[2] == 1), "the new worker decoded it once too");
            }
        }
    }

    @Test
    void aWorkerDropsItsCopyOfAClosedValueAtItsNextSharedRead() {
        try (ProcessPool single = ProcessPool.builder().workers(1).name("drop").build();
             Shared<String> kept = single.share("kept")) {
            Shared<long[]> big = single.share(new long[1 << 20]);
            assertEquals(2, single.apply(() -> kept.get().length() / 4 * big.get().length / (1 << 20)
                    * SharedValues.held()), "the worker holds both");
            big.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> single.apply(() -> kept.get().length() / 4
                    * SharedValues.held()), held -> held == 1);
        }
    }

    @Test
    void shareOfAValueThatCannotBeEncodedFailsNamingTheClassAndLeavesNothing() throws IOException {
        int hostedBefore = Regions.hostedCount();
        List<String> filesBefore = filesOfThisHost();
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> pool.share(new SerializationTest.Unserializable()));
        assertTrue(e.getMessage().startsWith("cannot encode the shared value of class "
                + SerializationTest.Unserializable.class.getName()), e.getMessage());
        assertEquals(hostedBefore, Regions.hostedCount());
        assertEquals(filesBefore, filesOfThisHost());
        assertEquals(2, pool.apply(() -> 2), "the pool goes on");
    }

    // --------------------------------------------------------------------------------------------- limits

    @Test
    void arrayBiggerThanTheFreeSharedMemoryFailsNamingTheLimitAndLeavesNoFile() throws IOException {
        long free = Files.getFileStore(RuntimeDirectory.get()).getUsableSpace();
        List<String> filesBefore = filesOfThisHost();
        long length = free / Long.BYTES + (1L << 27);
        PoolException e = assertThrows(PoolException.class, () -> SharedDoubleArray.create(length));
        assertTrue(e.getMessage().startsWith("SharedDoubleArray of " + length + " elements needs "
                + (length * 8 + 64) + " bytes of shared memory but " + RuntimeDirectory.get() + " has only "),
                e.getMessage());
        assertEquals(filesBefore, filesOfThisHost());
    }

    // ------------------------------------------------------------------------------------- a worker killed

    @Test
    void workerSigkilledWhileWritingAnArrayFailsItsTaskAloneAndLeavesTheOtherElementsIntact() throws Exception {
        int length = 10_000;
        SharedLongArray array = created(SharedLongArray.of(LongStream.range(0, length).toArray()));
        CompletableFuture<Integer> killed = pool.applyAsync(() -> {
            for (int i = 0; i < 100; i++) {
                array.set(i, -1);
            }
            return FaultTasks.sigkillSelf().call();
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> killed.get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof WorkerDiedException, e.getCause().toString());
        assertEquals(-9, ((WorkerDiedException) e.getCause()).exitCode());
        // the pool heals: both workers (one of them new) read and write the array
        assertEquals(List.of(5000L, 5001L), pool.map(i -> array.addAndGet(i, 0), List.of(5000, 5001), 1));
        long[] after = array.get(0, new long[length]);
        for (int i = 0; i < length; i++) {
            assertEquals(i < 100 ? -1 : i, after[i], "element " + i);
        }
    }

    // ---------------------------------------------------------------------------------------- a host killed

    @Test
    void filesOfAHostKilledWithSigkillAreRemovedByTheNextProcpoolJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process host = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SharedMemoryHost.class.getName()).redirectErrorStream(true).start();
        try {
            String stem = HostProcess.of(host.toHandle()).orElseThrow().fileStem();
            BufferedReader output = new BufferedReader(new InputStreamReader(host.getInputStream()));
            String line = output.readLine();
            while (line != null && !line.equals("ready")) {
                line = output.readLine(); // SLF4J's notice that it has no binding, say
            }
            assertEquals("ready", line);
            List<String> left = filesOf(stem);
            assertEquals(3, left.size(), left::toString);
            host.destroyForcibly().waitFor();
            assertEquals(left, filesOf(stem), "a SIGKILLed host cannot remove its files");

            // a fresh procpool JVM sweeps the directory when it first needs it
            assertEquals(0, exitCodeOf(new JvmProcess(() -> SharedLong.create(0).close())));
            assertEquals(List.of(), filesOf(stem));
        } finally {
            host.destroyForcibly().waitFor();
        }
    }

    @Test
    void aHostThatExitsNormallyRemovesItsFiles() throws Exception {
        SharedLong fromChild = created(SharedLong.create(0));
        assertEquals(0, exitCodeOf(new JvmProcess(() -> fromChild.set(
                HostProcess.current().pid() + 0 * SharedLongArray.create(3).length()))));
        assertEquals(List.of(), filesOf("host-" + fromChild.get() + "-"));
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static List<String> filesOfThisHost() throws IOException {
        return filesOf(HostProcess.current().fileStem() + "-");
    }

    private static List<String> filesOf(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(RuntimeDirectory.get())) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(prefix)).sorted().toList();
        }
    }
}
