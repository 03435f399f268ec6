package io.procpool.examples;

import io.procpool.Pool;
import io.procpool.dashboard.PoolDashboard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code --dashboard} option of the pool demos ({@code digest --dashboard}): serves the pool's live dashboard on
 * 127.0.0.1 while the job runs, prints its URL, and when the job is over keeps the page up until Enter is pressed (or
 * standard input ends), so the finished run can still be looked at.
 *
 * <pre>{@code
 * boolean dashboard = DashboardOption.requested(args);
 * args = DashboardOption.without(args);
 * try (ProcessPool pool = ...; DashboardOption page = DashboardOption.open(pool, dashboard)) {
 *     ... the job ...
 * }
 * }</pre>
 *
 * <p>Threading: used by the demo's main thread only.
 */
public final class DashboardOption implements AutoCloseable {
    static final String FLAG = "--dashboard";

    private final PoolDashboard dashboard;

    private DashboardOption(PoolDashboard dashboard) {
        this.dashboard = dashboard;
    }

    /**
     * @param args the demo's arguments
     * @return whether they ask for the dashboard
     */
    public static boolean requested(String[] args) {
        return Arrays.asList(args).contains(FLAG);
    }

    /**
     * @param args the demo's arguments
     * @return them without {@value #FLAG}
     */
    public static String[] without(String[] args) {
        return Arrays.stream(args).filter(arg -> !arg.equals(FLAG)).toArray(String[]::new);
    }

    /**
     * Starts the dashboard of {@code pool} when asked for, printing its URL on stderr.
     *
     * @param pool      the demo's pool
     * @param requested whether the demo was given {@value #FLAG}
     * @return the option to close when the job is over (does nothing when not requested)
     */
    public static DashboardOption open(Pool pool, boolean requested) {
        if (!requested) {
            return new DashboardOption(null);
        }
        PoolDashboard dashboard = PoolDashboard.start(pool);
        System.err.println("dashboard: " + dashboard.uri());
        return new DashboardOption(dashboard);
    }

    /** The job is over: keeps the page up until Enter (or the end of standard input), then stops serving it. */
    @Override
    public void close() {
        if (dashboard == null) {
            return;
        }
        System.err.println("the job is done; the dashboard stays up at " + dashboard.uri() + " until you press Enter");
        try {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            System.err.println("could not read standard input (" + e.getMessage() + "); closing the dashboard");
        } finally {
            dashboard.close();
        }
    }
}
