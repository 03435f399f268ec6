package io.procpool;

import java.io.Serializable;

/**
 * A task with no argument and no result: the target of a {@link JvmProcess}.
 */
@FunctionalInterface
public interface TaskRunnable extends Serializable {
    /**
     * Runs the task, in the child JVM.
     *
     * @throws Exception any failure; in a {@link JvmProcess} it ends the child with exit code 1
     */
    void run() throws Exception;
}
