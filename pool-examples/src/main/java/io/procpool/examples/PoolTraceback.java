package io.procpool.examples;

import io.procpool.ProcessPool;
import io.procpool.TaskFailedException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A task that fails in a pool worker. Python's {@code Pool.map} re-raises the exception with the parent's traceback
 * only, so the seed needs a decorator to print the worker's; procpool's {@link TaskFailedException} carries the
 * task's own exception with the worker's stack frames, so the trace printed here (on stdout) shows the
 * {@code ArithmeticException} and the line of {@link #go} that divided by zero.
 *
 * <p>Threading: the main thread only; {@code go} runs in the pool's workers.
 */
public final class PoolTraceback {
    private PoolTraceback() {
    }

    static int go(int x) {
        int ret = 0;
        for (int i = 0; i <= x; i++) {
            ret += 60 / (5 - i); // from x = 5 on, this divides by zero
        }
        return ret;
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        try (ProcessPool pool = ProcessPool.create(2)) {
            List<Integer> inputs = IntStream.range(0, 10).boxed().toList();
            System.out.println(pool.map(PoolTraceback::go, inputs));
        } catch (TaskFailedException failure) {
            failure.printStackTrace(System.out);
        }
    }
}
