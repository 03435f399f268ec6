package io.procpool.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.ProcessPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's server under hostile clients (issue 20, items 5 and 6), over raw sockets so that every byte and
 * header is the test's: a client that sends half a request and holds the connection blocks nobody else and is cut off
 * after the server's deadline; a request naming another host (DNS rebinding) gets 421, its own names get the page;
 * every answer carries a Content-Security-Policy without framing and {@code nosniff}. A real pool behind it.
 *
 * <p>Threading: JUnit's thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolDashboardHttpTest {
    /** A hang guard for one answer, never a timing assertion. */
    private static final int ANSWER_GUARD_MILLIS = 30_000;

    private static ProcessPool pool;
    private static PoolDashboard dashboard;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().workers(1).name("dashboard-http").build();
        dashboard = PoolDashboard.start(pool);
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (pool != null) {
            pool.terminate();
        }
    }

    private static int port() {
        return dashboard.uri().getPort();
    }

    /** What came back: the status line's code, the header lines, the body. */
    record Answer(int status, List<String> headers, String body) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    /** Sends {@code request} as it is and reads the answer until the server closes the connection. */
    private static Answer send(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(dashboard.uri().getHost(), port()), ANSWER_GUARD_MILLIS);
            socket.setSoTimeout(ANSWER_GUARD_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, text);
            List<String> head = List.of(text.substring(0, end).split("\r\n"));
            return new Answer(Integer.parseInt(head.get(0).split(" ")[1]), head.subList(1, head.size()),
                    text.substring(end + 4));
        }
    }

    private static Answer get(String path, String host) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + "Connection: close\r\n\r\n");
    }

    @Test
    void aStalledConnectionDoesNotBlockOtherClientsAndIsCutOffAfterTheDeadline() throws Exception {
        try (Socket stalled = new Socket()) {
            stalled.connect(new InetSocketAddress(dashboard.uri().getHost(), port()));
            OutputStream out = stalled.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1)); // no blank line
            out.flush();
            InputStream in = stalled.getInputStream();

            Answer answer = get("/api/insights", "127.0.0.1:" + port());
            assertEquals(200, answer.status(), answer::toString);
            assertTrue(answer.body().contains("\"workers\""), answer::body);

            // answered while the stalled connection was still held open by the server
            stalled.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, in::read);
            stalled.setSoTimeout(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> readsEnd(in));
        }
    }

    private static boolean readsEnd(InputStream in) {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    @Test
    void requestsNamingAnotherHostAreRefusedWith421() throws IOException {
        for (String host : new String[] {"evil.example", "evil.example:" + port(), "127.0.0.1:1", "10.1.2.3",
                "localhost.evil.example", "127.0.0.1.nip.io:" + port()}) {
            for (String path : new String[] {"/", "/api/insights"}) {
                Answer answer = get(path, host);
                assertEquals(421, answer.status(), host + " " + path);
                assertTrue(!answer.body().contains("\"workers\""), answer::body);
            }
        }
        assertEquals(421, get("/api/insights", null).status(), "no Host header");
    }

    @Test
    void theServersOwnNamesGetThePage() throws IOException {
        for (String host : new String[] {"127.0.0.1:" + port(), "127.0.0.1", "localhost:" + port(), "LOCALHOST",
                "[::1]:" + port(), dashboard.uri().getAuthority()}) {
            assertEquals(200, get("/api/insights", host).status(), host);
            assertEquals(200, get("/", host).status(), host);
        }
    }

    @Test
    void everyAnswerForbidsFramingSniffingAndForeignScripts() throws IOException {
        for (String path : new String[] {"/", "/dashboard.js", "/api/insights", "/missing"}) {
            Answer answer = get(path, dashboard.uri().getAuthority());
            String policy = answer.header("Content-Security-Policy");
            assertTrue(policy != null && policy.contains("frame-ancestors 'none'")
                    && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), path + ": " + policy);
            assertEquals("nosniff", answer.header("X-Content-Type-Options"), path);
        }
        Answer post = send("POST /api/insights HTTP/1.1\r\nHost: " + dashboard.uri().getAuthority()
                + "\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.header("Allow"));
        assertEquals(URI.create("http://127.0.0.1:" + port() + "/"), dashboard.uri());
    }
}
