package io.procpool.dashboard;

import io.procpool.Pool;
import io.procpool.PoolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live, read-only web page of a pool's {@link Pool#insights()}: the workers (state, pid, tasks, busy share, memory,
 * CPU, what each runs now), a task stream (one row per worker over the last minute, a bar per task, failures in red,
 * idle time as gaps), throughput, each running map call with a progress bar and ETA, failures with their remote stack
 * traces, and the workers that ended with their exit code, reason and respawn.
 *
 * <pre>{@code
 * try (PoolDashboard dashboard = PoolDashboard.start(pool)) {   // 127.0.0.1, a free port
 *     System.err.println("dashboard: " + dashboard.uri());
 *     pool.map(...);
 * }
 * }</pre>
 *
 * <p>{@code GET /} is the page (HTML, CSS and JavaScript from this jar; nothing is fetched from elsewhere), which polls
 * {@code GET /api/insights}, the snapshot as JSON with the records' names (instants in epoch milliseconds, durations
 * in milliseconds). No endpoint changes the pool; every other method is refused with 405. Served by
 * {@link DashboardServer}: a client that stalls holds one of its threads for a few seconds and blocks nobody else.
 *
 * <p>Security: {@link #start(Pool)} listens on the loopback interface only, so only this machine's users see it.
 * Another address ({@link #start(Pool, InetSocketAddress)}) is the caller's explicit choice and shows, without
 * authentication or TLS, to anyone who can reach it: the workers' pids, memory and CPU, the tasks' function names, the
 * failures' messages and stack traces, and the tasks' arguments when the pool records them
 * ({@code recordArguments(true)}). A request naming another host ({@code Host: evil.example}) gets 421, so a web
 * page elsewhere cannot read the snapshot through DNS rebinding; every answer carries a Content-Security-Policy that
 * allows only this server's own scripts, styles and requests, and no framing.
 *
 * <p>Thread-safety: thread-safe; requests are served on a few daemon threads of its own. {@link #close()} is
 * idempotent.
 */
public final class PoolDashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolDashboard.class);
    private static final String RESOURCES = "/io/procpool/dashboard/";
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.css", "dashboard.css",
            "/dashboard.js", "dashboard.js");
    /** The page's own files and requests only; no inline script or style, no plug-ins, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> HEADERS = Map.of(
            "Cache-Control", "no-store",
            "X-Content-Type-Options", "nosniff",
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    private final Pool pool;
    private final DashboardServer server;
    private final URI uri;

    private PoolDashboard(Pool pool, InetSocketAddress address) throws IOException {
        this.pool = pool;
        this.server = DashboardServer.start(address, this::handle);
        InetSocketAddress bound = server.address();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    }

    /**
     * Serves the dashboard of {@code pool} on 127.0.0.1 at a free port.
     *
     * @param pool the pool to show
     * @return the running dashboard; close it when done (closing the pool does not)
     * @throws PoolException the server could not start
     */
    public static PoolDashboard start(Pool pool) {
        return start(pool, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Serves the dashboard of {@code pool} at {@code address}. See the class comment for what an address other than
     * loopback exposes.
     *
     * @param pool    the pool to show
     * @param address where to listen; port 0 takes a free one
     * @return the running dashboard; close it when done
     * @throws PoolException the server could not bind {@code address}
     */
    public static PoolDashboard start(Pool pool, InetSocketAddress address) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
        try {
            PoolDashboard dashboard = new PoolDashboard(pool, address);
            LOG.debug("dashboard of {} at {}", pool, dashboard.uri);
            return dashboard;
        } catch (IOException e) {
            throw new PoolException("the dashboard could not listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** {@return where the page is, such as {@code http://127.0.0.1:40123/}} */
    public URI uri() {
        return uri;
    }

    /** Stops serving at once; idempotent. The pool goes on. */
    @Override
    public void close() {
        server.close();
    }

    private DashboardServer.Response handle(DashboardServer.Request request) throws IOException {
        if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
            Map<String, String> headers = new HashMap<>(HEADERS);
            headers.put("Allow", "GET, HEAD");
            return new DashboardServer.Response(405, "text/plain", "read-only: GET only\n".getBytes(
                    StandardCharsets.UTF_8), headers);
        }
        String path = request.path();
        if (path.equals("/api/insights")) {
            byte[] json = InsightsJson.write(pool.toString(), pool.insights()).getBytes(StandardCharsets.UTF_8);
            return new DashboardServer.Response(200, "application/json", json, HEADERS);
        }
        String resource = STATIC.get(path);
        if (resource == null) {
            return new DashboardServer.Response(404, "text/plain", ("no such page: " + path + "\n").getBytes(
                    StandardCharsets.UTF_8), HEADERS);
        }
        return new DashboardServer.Response(200, contentType(resource), resource(resource), HEADERS);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PoolDashboard.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String resource) {
        return resource.endsWith(".html") ? "text/html; charset=utf-8"
                : resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }
}
