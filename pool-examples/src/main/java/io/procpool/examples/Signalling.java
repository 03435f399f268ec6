package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessEvent;
import java.time.Duration;

/**
 * Signalling between processes: one process waits on a {@link ProcessEvent} without a timeout, another with a
 * timeout of one second, which runs out; then the parent sets the event and the first wakes.
 *
 * <p>Threading: the main thread only; the waiters run in their own JVMs.
 */
public final class Signalling {
    private Signalling() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        ProcessEvent event = ProcessEvent.create();
        JvmProcess blocking = new JvmProcess("block", () -> {
            System.out.println("wait_for_event: starting");
            event.await();
            System.out.println("wait_for_event: event.isSet()-> " + event.isSet());
        });
        JvmProcess timed = new JvmProcess("nonblock", () -> {
            System.out.println("wait_for_event_timeout: starting");
            boolean set = event.await(Duration.ofSeconds(1));
            System.out.println("wait_for_event_timeout: event.isSet()-> " + set);
        });
        blocking.start();
        timed.start();
        System.out.println("main: waiting before calling Event.set()");
        timed.join(); // Python sleeps 3 s here; joining makes the timeout come first on any machine
        event.set();
        System.out.println("main: event is set");
        blocking.join();
    }
}
