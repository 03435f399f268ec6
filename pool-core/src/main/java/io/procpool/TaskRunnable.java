package io.procpool;

import java.io.Serializable;

/**
 * A task with no argument and no result: the target of a {@link JvmProcess}.
 *
 * <p>Threading: runs on the child's main thread (a {@link JvmProcess}) or a worker's task thread (an
 * initializer); it is encoded on the thread that starts it.
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
