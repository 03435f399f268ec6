package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessCondition;
import io.procpool.ProcessLock;
import io.procpool.ProcessQueue;
import io.procpool.SharedMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Synchronizing operations: a stage-1 process does its work, then {@code signalAll()}s a {@link ProcessCondition};
 * two stage-2 processes wait on it and start only then. Each process writes what it does to one log queue, whose
 * order is the true order of events (lines printed by different processes reach the console through separate pipes,
 * so their order there could lie); the parent prints the log.
 *
 * <p>Threading: the main thread only; the stages run in their own JVMs.
 */
public final class Stages {
    private Stages() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition stage1Done = lock.newCondition();
        SharedMap<String, Boolean> state = SharedMap.create();
        ProcessQueue<String> log = ProcessQueue.create();
        List<JvmProcess> processes = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            processes.add(new JvmProcess("stage_2[" + i + "]", () -> {
                String name = JvmProcess.current().getName();
                log.put("Starting " + name);
                lock.lock();
                try {
                    while (state.get("stage 1 done") == null) { // a condition wait can wake spuriously: re-check
                        stage1Done.await();
                    }
                    log.put(name + " running");
                } finally {
                    lock.unlock();
                }
            }));
        }
        processes.add(new JvmProcess("stage_1", () -> {
            log.put("Starting stage_1");
            lock.lock();
            try {
                log.put("stage_1 done and ready for stage 2");
                state.put("stage 1 done", true);
                stage1Done.signalAll();
            } finally {
                lock.unlock();
            }
        }));
        for (JvmProcess process : processes) {
            process.start();
        }
        for (JvmProcess process : processes) {
            process.join();
        }
        log.close();
        log.stream().forEach(System.out::println);
    }
}
