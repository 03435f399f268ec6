package io.procpool.internal.insights;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event {@code procpool.Task}: one finished task (a call or a chunk) of a pool, committed by
 * {@link InsightsRecorder#taskFinished} when it is known to be over. Its own start time is that moment; the times of
 * the task's life are its fields.
 *
 * <p>Thread-safety: one instance per commit, confined to the committing thread.
 */
@Name("procpool.Task")
@Label("Pool Task")
@Category("procpool")
@Description("A task (a call or one chunk of a map) that a procpool pool finished, with its times and outcome")
@StackTrace(false)
final class TaskEvent extends Event {
    @Label("Pool")
    String pool;

    @Label("Task Id")
    long taskId;

    @Label("Function")
    @Description("Class and method of the lambda or method reference")
    String function;

    @Label("Worker")
    String worker;

    @Label("Items")
    int items;

    @Label("Queue Time")
    @Description("From submission until a worker took it")
    @Timespan(Timespan.NANOSECONDS)
    long queueTime;

    @Label("Run Time")
    @Description("How long it ran in the worker")
    @Timespan(Timespan.NANOSECONDS)
    long runTime;

    @Label("Decode Time")
    @Description("How long the caller took to decode the answer")
    @Timespan(Timespan.NANOSECONDS)
    long decodeTime;

    @Label("Outcome")
    String outcome;

    @Label("Error")
    String error;
}
