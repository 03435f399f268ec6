package io.procpool.micrometer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procpool.ProcessPool;
import io.procpool.TaskFailedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meters of a real {@link ProcessPool} of 2 worker JVMs: 20 answered tasks, one that throws, one whose worker
 * exits and one that runs past the task timeout, then read through a {@link SimpleMeterRegistry} and through the text
 * a Prometheus server scrapes.
 */
@Timeout(120)
class PoolMetricsTest {
    private static final int ANSWERED = 20;
    private static ProcessPool pool;

    @BeforeAll
    static void runAMixedJob() {
        pool = ProcessPool.builder().workers(2).name("metered").taskTimeout(Duration.ofSeconds(2)).build();
        assertEquals(IntStream.range(1, ANSWERED + 1).boxed().toList(),
                pool.map(x -> x + 1, IntStream.range(0, ANSWERED).boxed().toList(), 1));
        assertThrows(TaskFailedException.class, () -> pool.apply(() -> {
            throw new IllegalStateException("boom");
        }));
        assertThrows(WorkerDiedException.class, () -> pool.apply(() -> {
            System.exit(3);
            return 0;
        }));
        CompletionException timedOut = assertThrows(CompletionException.class, () -> pool.applyAsync(() -> {
            Thread.sleep(TimeUnit.MINUTES.toMillis(1)); // the task itself, not the test, waits: the timeout kills it
            return 0;
        }).join());
        assertTrue(timedOut.getCause() instanceof TaskTimeoutException, timedOut::toString);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void aSimpleRegistryShowsTheJobsCountsGaugesAndTimes() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (PoolMetrics metrics = new PoolMetrics(pool, "metered", Tags.of("app", "test"), Duration.ofMillis(50))) {
            metrics.bindTo(registry);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertEquals(2.0, registry.get("procpool.workers.live").tags("pool", "metered", "app", "test")
                        .gauge().value(), "replacements are up");
                assertEquals(ANSWERED, registry.get("procpool.tasks.completed").functionCounter().count());
            });
            assertEquals(0.0, registry.get("procpool.tasks.queued").gauge().value());
            assertEquals(0.0, registry.get("procpool.tasks.in.flight").gauge().value());
            double busy = registry.get("procpool.workers.busy.ratio").gauge().value();
            assertTrue(busy >= 0 && busy <= 1, "busy ratio " + busy);
            assertEquals(2.0, registry.get("procpool.workers.respawns").functionCounter().count(),
                    "the exited worker and the timed-out one were replaced");
            for (String outcome : List.of("failed", "worker_died", "timed_out")) {
                assertEquals(1.0, registry.get("procpool.tasks.failed").tag("outcome", outcome).counter().count(),
                        outcome);
            }
            Timer answered = registry.get("procpool.tasks.run.time").tag("outcome", "answered").timer();
            assertEquals(ANSWERED, answered.count());
            Timer timedOut = registry.get("procpool.tasks.run.time").tag("outcome", "timed_out").timer();
            assertEquals(1, timedOut.count());
            assertTrue(timedOut.totalTime(TimeUnit.MILLISECONDS) >= 2000, "it ran as long as the timeout allowed: "
                    + timedOut.totalTime(TimeUnit.MILLISECONDS) + " ms");
            assertEquals(ANSWERED + 3, registry.get("procpool.tasks.queue.time").timer().count(),
                    "every task that reached a worker");
        }
    }

    @Test
    void aPrometheusScrapeCarriesTheMetersUnderPrometheusNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PoolMetrics metrics = new PoolMetrics(pool, "metered")) {
            metrics.bindTo(registry);
            metrics.read();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertEquals(2.0, samples(registry.scrape()).get("procpool_workers_live{pool=\"metered\"}")));
            String text = registry.scrape();
            Map<String, Double> samples = samples(text);
            assertEquals(ANSWERED, samples.get("procpool_tasks_completed_total{pool=\"metered\"}"), text);
            assertEquals(2.0, samples.get("procpool_workers_respawns_total{pool=\"metered\"}"), text);
            assertEquals(1.0, samples.get("procpool_tasks_failed_total{outcome=\"worker_died\",pool=\"metered\"}"),
                    text);
            assertEquals(0.0, samples.get("procpool_tasks_queued{pool=\"metered\"}"), text);
            assertEquals(ANSWERED, samples.get("procpool_tasks_run_time_seconds_count{outcome=\"answered\","
                    + "pool=\"metered\"}"), text);
            assertTrue(samples.get("procpool_tasks_run_time_seconds_sum{outcome=\"timed_out\",pool=\"metered\"}")
                    >= 2.0, text);
            assertTrue(text.contains("# TYPE procpool_tasks_completed_total counter"), text);
            assertTrue(text.contains("# TYPE procpool_workers_busy_ratio gauge"), text);
            assertTrue(text.contains("# TYPE procpool_tasks_queue_time_seconds summary"), text);
        }
    }

    @Test
    void aBlankPoolNameOrANonPositiveIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolMetrics(pool, " "));
        assertThrows(IllegalArgumentException.class, () -> new PoolMetrics(pool, "p", Tags.empty(), Duration.ZERO));
        PoolMetrics closed = new PoolMetrics(pool, "p");
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.bindTo(new SimpleMeterRegistry()));
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*})?) (\\S+)$", Pattern.MULTILINE);

    /** The Prometheus text format's sample lines, {@code name{labels} value}, keyed by name and labels. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        Matcher line = SAMPLE.matcher(text);
        while (line.find()) {
            samples.put(line.group(1), Double.parseDouble(line.group(2)));
        }
        return samples;
    }
}
