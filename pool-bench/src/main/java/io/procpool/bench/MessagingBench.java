package io.procpool.bench;

import io.procpool.Connection;
import io.procpool.JoinableProcessQueue;
import io.procpool.JvmProcess;
import io.procpool.ProcessEvent;
import io.procpool.ProcessLock;
import io.procpool.ProcessPipe;
import io.procpool.ProcessQueue;
import io.procpool.SharedMap;
import io.procpool.TaskRunnable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The seven figures of {@code ../shared/anchors/python_mp_messaging_bench.py} on procpool's messaging types, one
 * figure per run of this class (a fresh parent JVM per figure): {@code MessagingBench <figure> [--quick]}.
 *
 * <p>Each figure runs once cold (the "first" figure: the parent's first use of the types; like Python, the sections
 * that Python times with the child's start include the child JVM's start) and then several times against the same
 * warmed child JVMs ("steady": the median of the last rounds). The children are servers: each takes the body of the
 * next round (a {@link TaskRunnable} whose handles travel captured) from a command queue and runs it. Prints a table
 * line per figure and, last, a JSON line of flat metrics ({@code first.<metric>}, {@code steady.<metric>}) that
 * {@code compare-messaging.sh} reads.
 *
 * <p>Threading: the main thread only (the children are other JVMs).
 */
public final class MessagingBench {
    private static final int STEADY_ROUNDS = 5;

    private final int scale;
    private final List<ProcessQueue<TaskRunnable>> commands = new ArrayList<>();
    private final List<JvmProcess> servers = new ArrayList<>();

    private MessagingBench(int scale) {
        this.scale = scale;
    }

    /** A figure: runs one round and reports its metrics (name to value). */
    private interface Figure {
        void round(MessagingBench bench, boolean first, Map<String, Double> metrics) throws Exception;
    }

    private static final Map<String, Figure> FIGURES = new TreeMap<>(Map.of(
            "queue_small", MessagingBench::queueSmall,
            "queue_big", MessagingBench::queueBig,
            "pipe_rtt", MessagingBench::pipeRtt,
            "joinable", MessagingBench::joinable,
            "event", MessagingBench::event,
            "lock_value", MessagingBench::lockValue,
            "manager_dict", MessagingBench::sharedMap));

    /** Starts {@code count} server children (the first round's timing includes this, as Python's does). */
    private void servers(int count) {
        while (servers.size() < count) {
            ProcessQueue<TaskRunnable> inbox = ProcessQueue.create();
            JvmProcess server = new JvmProcess("bench-server-" + servers.size(), () -> {
                try (var bodies = inbox.stream()) {
                    for (TaskRunnable body : (Iterable<TaskRunnable>) bodies::iterator) {
                        body.run();
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            commands.add(inbox);
            servers.add(server);
        }
    }

    private void runOn(int server, TaskRunnable body) throws InterruptedException {
        commands.get(server).put(body);
    }

    private int n(int full) {
        return Math.max(2, full / scale);
    }

    private void queueSmall(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(200_000);
        ProcessQueue<Integer> queue = ProcessQueue.create();
        long start = System.nanoTime();
        servers(1);
        runOn(0, () -> {
            for (int i = 0; i < n; i++) {
                queue.put(i);
            }
            queue.put(-1);
        });
        int got = 0;
        while (queue.take() >= 0) {
            got++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(got == n, "queue_small lost messages");
        metrics.put("queue_small.msgs_per_s", n / seconds);
    }

    private void queueBig(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(200);
        int size = 1 << 20;
        ProcessQueue<byte[]> queue = ProcessQueue.create();
        servers(1);
        runOn(0, () -> {
            byte[] data = new byte[size];
            new java.util.Random(1).nextBytes(data);
            for (int i = 0; i < n; i++) {
                queue.put(data);
            }
            queue.put(new byte[0]);
        });
        check(queue.take().length == size, "queue_big: wrong size");
        long start = System.nanoTime();
        int got = 0;
        while (queue.take().length > 0) {
            got++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.put("queue_big.mb_per_s", got * (double) size / 1e6 / seconds);
    }

    private void pipeRtt(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(20_000);
        ProcessPipe<Integer> pipe = ProcessPipe.create();
        Connection<Integer> mine = pipe.left();
        Connection<Integer> theirs = pipe.right();
        servers(1);
        runOn(0, () -> {
            for (Integer x = theirs.recv(); x >= 0; x = theirs.recv()) {
                theirs.send(x);
            }
        });
        for (int i = 0; i < 200; i++) {
            mine.send(i);
            mine.recv();
        }
        double[] micros = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            mine.send(i);
            mine.recv();
            micros[i] = (System.nanoTime() - t0) / 1e3;
        }
        mine.send(-1);
        Arrays.sort(micros);
        metrics.put("pipe_rtt.median_us", micros[n / 2]);
        metrics.put("pipe_rtt.p99_us", micros[(int) (0.99 * n) - 1]);
    }

    private void joinable(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(100_000);
        JoinableProcessQueue<Integer> tasks = JoinableProcessQueue.create();
        ProcessQueue<Integer> results = ProcessQueue.create();
        servers(2);
        TaskRunnable consumer = () -> {
            while (true) {
                int task = tasks.take();
                if (task < 0) {
                    tasks.taskDone();
                    return;
                }
                results.put(task + 1);
                tasks.taskDone();
            }
        };
        long start = System.nanoTime();
        runOn(0, consumer);
        runOn(1, consumer);
        for (int i = 0; i < n; i++) {
            tasks.put(i);
        }
        tasks.put(-1);
        tasks.put(-1);
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += results.take();
        }
        tasks.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        check(total == (long) n * (n - 1) / 2 + n, "joinable: wrong total");
        metrics.put("joinable.tasks_per_s", n / seconds);
    }

    private void event(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(500);
        ProcessEvent event = ProcessEvent.create();
        ProcessPipe<Long> pipe = ProcessPipe.create();
        Connection<Long> mine = pipe.left();
        Connection<Long> theirs = pipe.right();
        servers(1);
        runOn(0, () -> {
            for (int i = 0; i < n; i++) {
                event.await();
                theirs.send(System.nanoTime()); // CLOCK_MONOTONIC: the same clock in every process
                theirs.recv();
            }
        });
        double[] micros = new double[n];
        for (int i = 0; i < n; i++) {
            Thread.sleep(1);
            long t0 = System.nanoTime();
            event.set();
            long woke = mine.recv();
            micros[i] = (woke - t0) / 1e3;
            event.clear();
            mine.send(1L);
        }
        Arrays.sort(micros);
        metrics.put("event.median_us", micros[n / 2]);
    }

    private void lockValue(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(100_000) / 5; // a fifth of Python's count: the rate is the figure
        ProcessLock lock = ProcessLock.create();
        SharedMap<String, Long> counter = SharedMap.create();
        counter.put("n", 0L);
        ProcessQueue<Boolean> done = ProcessQueue.create();
        long start = System.nanoTime();
        servers(2);
        TaskRunnable incrementer = () -> {
            for (int i = 0; i < n; i++) {
                lock.lock();
                try {
                    counter.put("n", counter.get("n") + 1);
                } finally {
                    lock.unlock();
                }
            }
            done.put(true);
        };
        runOn(0, incrementer);
        runOn(1, incrementer);
        done.take();
        done.take();
        double seconds = (System.nanoTime() - start) / 1e9;
        check(counter.get("n") == 2L * n, "lock_value: lost increments");
        metrics.put("lock_value.incs_per_s", 2 * n / seconds);
        // the same count with compute(): one atomic operation in the host instead of lock, get, put, unlock
        counter.put("n", 0L);
        start = System.nanoTime();
        TaskRunnable computer = () -> {
            for (int i = 0; i < n; i++) {
                counter.compute("n", (key, value) -> value + 1);
            }
            done.put(true);
        };
        runOn(0, computer);
        runOn(1, computer);
        done.take();
        done.take();
        seconds = (System.nanoTime() - start) / 1e9;
        check(counter.get("n") == 2L * n, "lock_value: lost computes");
        metrics.put("lock_value.compute_per_s", 2 * n / seconds);
    }

    private void sharedMap(boolean first, Map<String, Double> metrics) throws Exception {
        int n = n(10_000);
        SharedMap<Integer, Integer> map = SharedMap.create();
        ProcessQueue<Long> out = ProcessQueue.create();
        long start = System.nanoTime();
        servers(1);
        runOn(0, () -> {
            for (int i = 0; i < n; i++) {
                map.put(i, i);
            }
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += map.get(i);
            }
            out.put(sum);
        });
        long sum = out.take();
        double seconds = (System.nanoTime() - start) / 1e9;
        check(sum == (long) n * (n - 1) / 2, "manager_dict: wrong sum");
        metrics.put("manager_dict.ops_per_s", 2 * n / seconds);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /**
     * Runs one figure.
     *
     * @param args the figure's name (see {@code list}) and optionally {@code --quick} (a tenth of every count)
     * @throws Exception a figure failed
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !FIGURES.containsKey(args[0])) {
            System.err.println("usage: MessagingBench <figure> [--quick]; figures: " + FIGURES.keySet());
            System.exit(2);
        }
        MessagingBench bench = new MessagingBench(args.length > 1 && args[1].equals("--quick") ? 10 : 1);
        Figure figure = FIGURES.get(args[0]);
        Map<String, Double> all = new TreeMap<>();
        Map<String, Double> first = new TreeMap<>();
        figure.round(bench, true, first);
        first.forEach((k, v) -> all.put("first." + k, v));
        List<Map<String, Double>> steady = new ArrayList<>();
        for (int round = 0; round < STEADY_ROUNDS; round++) {
            Map<String, Double> metrics = new TreeMap<>();
            figure.round(bench, false, metrics);
            steady.add(metrics);
        }
        for (String key : first.keySet()) {
            double[] values = steady.subList(1, steady.size()).stream().mapToDouble(m -> m.get(key)).sorted()
                    .toArray();
            all.put("steady." + key, values[values.length / 2]);
        }
        all.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-36s %,14.1f%n", k, v));
        StringBuilder json = new StringBuilder("{\"metrics\": {");
        all.forEach((k, v) -> json.append(String.format(Locale.ROOT, "\"%s\": %.3f, ", k, v)));
        json.setLength(json.length() - 2);
        System.out.println(json.append("}}"));
        for (ProcessQueue<TaskRunnable> inbox : bench.commands) {
            inbox.close();
        }
        for (JvmProcess server : bench.servers) {
            server.join();
        }
    }
}
