package io.procpool.internal.insights;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event {@code procpool.Worker}: a step in a worker's life (LAUNCHED, READY, ENDED), committed by
 * {@link InsightsRecorder}.
 *
 * <p>Thread-safety: one instance per commit, confined to the committing thread.
 */
@Name("procpool.Worker")
@Label("Pool Worker")
@Category("procpool")
@Description("A procpool worker JVM was launched, became ready, or ended (with its exit code and reason)")
@StackTrace(false)
final class WorkerEvent extends Event {
    @Label("Pool")
    String pool;

    @Label("Worker")
    String worker;

    @Label("Pid")
    long pid;

    @Label("Phase")
    @Description("LAUNCHED, READY or ENDED")
    String phase;

    @Label("Startup")
    @Description("From launch to ready (READY only)")
    @Timespan(Timespan.NANOSECONDS)
    long startup;

    @Label("Exit Code")
    @Description("Python's convention: -N for signal N (ENDED only)")
    int exitCode;

    @Label("Reason")
    String reason;
}
