package io.procpool.dashboard;

import com.fasterxml.jackson.jr.ob.JSON;
import io.procpool.CurrentTask;
import io.procpool.EndedWorker;
import io.procpool.FailureInsights;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.TaskInsights;
import io.procpool.WorkerInsights;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of {@code GET /api/insights}: a {@link PoolInsights} with its records' component names, instants as epoch
 * milliseconds, durations as (fractional) milliseconds, unknown values as {@code null}. Jackson jr writes the maps
 * built here, so the field names are spelled once, next to the record accessors they come from.
 *
 * <p>Thread-safety: stateless; Jackson jr's {@link JSON#std} is thread-safe.
 */
final class InsightsJson {
    /** A failure's trace is cut here: the page shows the top of it, and twenty of them travel every second. */
    static final int TRACE_MAX_CHARS = 16_000;

    private InsightsJson() {
    }

    static String write(String pool, PoolInsights insights) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pool", pool);
        json.put("at", millis(insights.at()));
        json.put("queued", insights.queued());
        json.put("inFlight", insights.inFlight());
        json.put("completed", insights.completed());
        json.put("failed", insights.failed());
        json.put("respawns", insights.respawns());
        json.put("tasksPerSecond", insights.tasksPerSecond());
        json.put("workers", insights.workers().stream().map(InsightsJson::worker).toList());
        json.put("endedWorkers", insights.endedWorkers().stream().map(InsightsJson::ended).toList());
        json.put("slowest", insights.slowest().stream().map(InsightsJson::task).toList());
        json.put("calls", insights.calls().stream().map(InsightsJson::call).toList());
        json.put("recentFailures", insights.recentFailures().stream().map(InsightsJson::failure).toList());
        json.put("recentTasks", insights.recentTasks().stream().map(InsightsJson::task).toList());
        json.put("throughput", insights.throughput());
        return JSON.std.asString(json);
    }

    private static Map<String, Object> worker(WorkerInsights w) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", w.name());
        json.put("pid", w.pid());
        json.put("state", w.state().name());
        json.put("startup", ms(w.startup()));
        json.put("tasksCompleted", w.tasksCompleted());
        json.put("tasksFailed", w.tasksFailed());
        json.put("busy", ms(w.busy()));
        json.put("idle", ms(w.idle()));
        json.put("busyRatio", w.busyRatio());
        json.put("rssBytes", w.rssBytes());
        json.put("cpuTime", w.cpuTime().map(InsightsJson::ms).orElse(null));
        json.put("currentTask", w.currentTask().map(InsightsJson::current).orElse(null));
        return json;
    }

    private static Map<String, Object> current(CurrentTask t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("taskId", t.taskId());
        json.put("function", t.function());
        json.put("items", t.items());
        json.put("since", millis(t.since()));
        return json;
    }

    private static Map<String, Object> ended(EndedWorker w) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", w.name());
        json.put("pid", w.pid());
        json.put("ended", millis(w.ended()));
        json.put("exitCode", w.exitCode());
        json.put("reason", w.reason());
        json.put("respawned", w.respawned());
        json.put("tasksCompleted", w.tasksCompleted());
        json.put("tasksFailed", w.tasksFailed());
        json.put("busy", ms(w.busy()));
        json.put("lifetime", ms(w.lifetime()));
        return json;
    }

    private static Map<String, Object> task(TaskInsights t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", t.id());
        json.put("function", t.function());
        json.put("worker", t.worker());
        json.put("items", t.items());
        json.put("queued", millis(t.queued()));
        json.put("started", t.started() == null ? null : millis(t.started()));
        json.put("finished", millis(t.finished()));
        json.put("runTime", ms(t.runTime()));
        json.put("decodeTime", ms(t.decodeTime()));
        json.put("outcome", t.outcome().name());
        json.put("error", t.error());
        json.put("arguments", t.arguments());
        return json;
    }

    private static Map<String, Object> call(Progress p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("done", p.done());
        json.put("failed", p.failed());
        json.put("total", p.total().isPresent() ? p.total().getAsLong() : null);
        json.put("elapsed", ms(p.elapsed()));
        json.put("finished", p.finished());
        json.put("itemsPerSecond", p.itemsPerSecond());
        json.put("fraction", p.fraction().isPresent() ? p.fraction().getAsDouble() : null);
        json.put("eta", p.eta().map(InsightsJson::ms).orElse(null));
        return json;
    }

    private static Map<String, Object> failure(FailureInsights f) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("taskId", f.taskId());
        json.put("function", f.function());
        json.put("worker", f.worker());
        json.put("at", millis(f.at()));
        json.put("outcome", f.outcome().name());
        json.put("exceptionClass", f.exceptionClass());
        json.put("message", f.message());
        String trace = f.trace();
        json.put("trace", trace.length() <= TRACE_MAX_CHARS ? trace : trace.substring(0, TRACE_MAX_CHARS) + "\n...");
        return json;
    }

    private static double ms(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }
}
