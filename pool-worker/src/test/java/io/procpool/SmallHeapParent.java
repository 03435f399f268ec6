package io.procpool;

/**
 * A parent JVM with a small heap for {@link ParentHardeningTest}: its pool's worker answers with 64 MiB that this
 * parent cannot hold. Prints what the caller got, whether the pool still serves on the same worker, and whether
 * terminate() ends a task in flight; exits 0 when it got that far.
 *
 * <p>Threading: the main thread only.
 */
public final class SmallHeapParent {
    private SmallHeapParent() {
    }

    public static void main(String[] args) {
        ProcessPool pool = ProcessPool.builder().workers(1).name("small-heap").build();
        try {
            pool.apply(() -> new byte[64 << 20]);
            System.out.println("UNEXPECTED: the 64 MiB answer arrived");
        } catch (PoolException e) {
            System.out.println("FAILED: " + e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        System.out.println("NEXT " + pool.apply(() -> 7) + " RESPAWNS " + pool.respawnCount());
        java.util.concurrent.CompletableFuture<Integer> running = pool.applyAsync(() -> {
            Thread.sleep(60_000);
            return 0;
        });
        pool.terminate();
        System.out.println("AFTER TERMINATE cancelled=" + running.isCancelled());
    }
}
