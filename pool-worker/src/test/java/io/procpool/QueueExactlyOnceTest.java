package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 4 producer and 4 consumer JVMs pass 100,000 messages through one {@link ProcessQueue} while the parent SIGKILLs
 * producers at random moments. Each producer appends a line to its own log after each {@code put} returned; each
 * consumer logs each message it took. Then: no message was taken twice, every message whose put returned was taken,
 * and at most one message per killed producer was taken without being logged (the put that the kill interrupted
 * after its frame reached the kernel).
 */
@Timeout(300)
class QueueExactlyOnceTest {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int PER_PRODUCER = 25_000;

    @Test
    void everyMessageWhosePutReturnedIsTakenExactlyOnceDespiteKilledProducers(@TempDir Path logs) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ProcessQueue<String> queue = ProcessQueue.create();
        try (Elsewhere elsewhere = new Elsewhere(null)) {
            List<JvmProcess> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                String log = logs.resolve("taken-" + c).toString();
                consumers.add(elsewhere.child(() -> {
                    try (BufferedWriter taken = Files.newBufferedWriter(Path.of(log));
                            Stream<String> messages = queue.stream()) {
                        for (String message : (Iterable<String>) messages::iterator) {
                            taken.write(message);
                            taken.newLine();
                        }
                    }
                }));
            }
            List<JvmProcess> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                String log = logs.resolve("put-" + p).toString();
                int producer = p;
                producers.add(elsewhere.child(() -> {
                    try (OutputStream put = new FileOutputStream(log, true)) {
                        for (int i = 0; i < PER_PRODUCER; i++) {
                            String message = producer + ":" + i;
                            queue.put(message);
                            put.write((message + "\n").getBytes(StandardCharsets.US_ASCII)); // straight to the OS
                        }
                    }
                }));
            }
            int killed = 0;
            for (int p = 0; p < 2; p++) {
                JvmProcess victim = producers.get(random.nextInt(PRODUCERS));
                Path log = logs.resolve("put-" + producers.indexOf(victim));
                int after = 2_000 + random.nextInt(PER_PRODUCER / 2);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .until(() -> !victim.isAlive() || lines(log).size() >= after);
                if (victim.isAlive()) {
                    victim.kill();
                    killed++;
                }
            }
            for (JvmProcess producer : producers) {
                producer.join();
            }
            queue.close();
            for (JvmProcess consumer : consumers) {
                assertTrue(consumer.join(Duration.ofSeconds(120)), "consumers end when the queue is drained");
                assertEquals(0, consumer.exitCode().orElseThrow());
            }
            Set<String> returned = new HashSet<>();
            for (int p = 0; p < PRODUCERS; p++) {
                returned.addAll(lines(logs.resolve("put-" + p)));
            }
            List<String> taken = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                taken.addAll(lines(logs.resolve("taken-" + c)));
            }
            Set<String> distinct = new HashSet<>(taken);
            assertEquals(taken.size(), distinct.size(), "a message was taken twice (seed " + seed + ")");
            Set<String> lost = new HashSet<>(returned);
            lost.removeAll(distinct);
            assertEquals(Set.of(), lost, "messages whose put returned were never taken (seed " + seed + ")");
            distinct.removeAll(returned);
            assertTrue(distinct.size() <= killed, "taken without a returned put: " + distinct + " with " + killed
                    + " producers killed (seed " + seed + ")");
            System.out.printf("exactly-once: %d puts returned, %d taken, %d producers killed (seed %d)%n",
                    returned.size(), taken.size(), killed, seed);
        }
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.US_ASCII));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
