package io.procpool;

/**
 * A parent JVM for {@link JvmProcessParentExitTest}: it starts one child, prints {@code child <pid>}, and then ends
 * the way its argument says, so the test can watch what happens to the child.
 * <ul>
 *   <li>{@code daemon}: the child is a daemon that would sleep for a minute; main returns at once.</li>
 *   <li>{@code non-daemon}: the child sleeps a little, then prints {@code child finished}; main prints
 *       {@code main returns} and returns.</li>
 *   <li>{@code wait}: the child would sleep for a minute; main waits for it (the test SIGKILLs this JVM).</li>
 *   <li>{@code pool}: the child is a pool worker running a task that would sleep for a minute; main waits for it
 *       (the test SIGKILLs this JVM).</li>
 * </ul>
 *
 * <p>Threading: the main thread only.
 */
public final class ParentJvm {
    private static final long A_MINUTE_MILLIS = 60_000;
    private static final long A_LITTLE_MILLIS = 1_000;

    private ParentJvm() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("pool")) {
            try (ProcessPool pool = ProcessPool.builder().workers(1).name("orphan").build()) {
                System.out.println("child " + pool.workers().get(0).pid());
                pool.apply(() -> {
                    Thread.sleep(A_MINUTE_MILLIS);
                    return 0;
                });
            }
            return;
        }
        JvmProcess child = switch (mode) {
            case "daemon", "wait" -> new JvmProcess(() -> Thread.sleep(A_MINUTE_MILLIS));
            case "non-daemon" -> new JvmProcess(() -> {
                Thread.sleep(A_LITTLE_MILLIS);
                System.out.println("child finished");
            });
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        child.setDaemon(mode.equals("daemon"));
        child.start();
        System.out.println("child " + child.pid());
        if (mode.equals("wait")) {
            child.join();
        }
        System.out.println("main returns");
    }
}
