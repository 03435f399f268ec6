package io.procpool.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP/1.1 server: just what a read-only page needs, with the limits a shared machine needs. One
 * request per connection ({@code Connection: close}); each connection is served by one of {@link #THREADS} threads
 * and must be done within {@link #CONNECTION_DEADLINE_MILLIS}, reads and writes together, after which it is closed,
 * so a client that sends half a request, or never reads its answer, holds one thread for a few seconds and blocks
 * nobody else. The JDK's {@code com.sun.net.httpserver} has no per-connection timeouts except through JVM-wide
 * system properties, which a library must not set for its host application.
 *
 * <p>A request whose {@code Host} is not this server's (its bound address, {@code localhost}, {@code 127.0.0.1} or
 * {@code [::1]}, with or without its port; every local address when bound to the wildcard address) gets 421: a page
 * of another site that a DNS rebinding pointed at this port cannot read the pool's insights.
 *
 * <p>Thread-safety: thread-safe; {@link #close()} is idempotent.
 */
final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final int THREADS = 4;
    static final long CONNECTION_DEADLINE_MILLIS = 5_000;
    private static final int MAX_HEAD_BYTES = 16 << 10;
    private static final int BACKLOG = 50;
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");
    private static final InetAddress LOOPBACK_4 = literal(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK_6 = literal(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    /** A request: its method, path (without the query) and headers (names in lower case). */
    record Request(String method, String path, Map<String, String> headers) {
    }

    /** An answer: status, content type, body and the headers to add. */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    }

    /** Answers a request; runs on one of the server's threads. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws IOException;
    }

    private final ServerSocket listening;
    private final Handler handler;
    /** The addresses a Host header may name (besides {@code localhost}). */
    private final Set<InetAddress> hosts;
    private final int port;
    private final ThreadPoolExecutor connections;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;

    private DashboardServer(ServerSocket listening, Handler handler) throws SocketException {
        this.listening = listening;
        this.handler = handler;
        this.hosts = acceptedAddresses(listening.getInetAddress());
        this.port = listening.getLocalPort();
        String name = "procpool-dashboard-" + listening.getLocalPort();
        AtomicInteger count = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> daemon(runnable, name + "-" + count.incrementAndGet()));
        connections.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                runnable -> daemon(runnable, name + "-deadlines"));
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
        this.acceptor = daemon(this::acceptLoop, name + "-accept");
    }

    /** Listens on {@code address} and serves with {@code handler} until {@link #close()}. */
    static DashboardServer start(InetSocketAddress address, Handler handler) throws IOException {
        ServerSocket listening = new ServerSocket();
        try {
            listening.bind(address, BACKLOG);
            DashboardServer server = new DashboardServer(listening, handler);
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            listening.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (IOException e) {
            // closing; nothing to do
        }
        connections.shutdownNow();
        deadlines.shutdownNow();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private void acceptLoop() {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                if (!listening.isClosed()) {
                    LOG.debug("dashboard accept failed: {}", e.toString());
                }
                continue;
            }
            ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(socket), CONNECTION_DEADLINE_MILLIS,
                    TimeUnit.MILLISECONDS);
            try {
                connections.execute(() -> {
                    try {
                        serve(socket);
                    } finally {
                        deadline.cancel(false);
                        closeQuietly(socket);
                    }
                });
            } catch (RejectedExecutionException e) {
                closeQuietly(socket); // closing
            }
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setSoTimeout((int) CONNECTION_DEADLINE_MILLIS);
            Request request = readHead(socket.getInputStream());
            if (request == null) {
                return; // the client closed, sent no request, or was too slow: its deadline closed the socket
            }
            Response response;
            if (!acceptedHost(request.headers().get("host"))) {
                response = new Response(421, "text/plain; charset=utf-8",
                        "this server answers only to its own address (Host header refused)\n"
                                .getBytes(StandardCharsets.UTF_8), Map.of());
            } else {
                response = handler.handle(request);
            }
            write(socket.getOutputStream(), response, request.method().equals("HEAD"));
        } catch (IOException e) {
            LOG.trace("dashboard connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("dashboard request failed", e);
        }
    }

    /** Reads the request line and headers; the body, which no GET or HEAD has, is not read. */
    private static Request readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD_BYTES) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        return new Request(requestLine[0], query < 0 ? target : target.substring(0, query), headers);
    }

    private static void write(OutputStream out, Response response, boolean head) throws IOException {
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n")
                .append("Content-Type: ").append(response.contentType()).append("\r\n")
                .append("Content-Length: ").append(response.body().length).append("\r\n")
                .append("Connection: close\r\n");
        response.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(response.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 421 -> "Misdirected Request";
            default -> "Status";
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** The addresses this server answers to: loopback, the bound one, and every local one when bound to all. */
    private static Set<InetAddress> acceptedAddresses(InetAddress bound) throws SocketException {
        Set<InetAddress> addresses = new HashSet<>();
        addresses.add(InetAddress.getLoopbackAddress());
        addresses.add(LOOPBACK_4);
        addresses.add(LOOPBACK_6);
        addresses.add(bound);
        if (bound.isAnyLocalAddress()) {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(network.getInetAddresses()));
            }
        }
        return Set.copyOf(addresses);
    }

    /**
     * Whether a Host header names this server: {@code localhost} or one of its addresses as a literal, with no port
     * or its own. Names other than localhost are never looked up: only literals are parsed.
     */
    private boolean acceptedHost(String header) {
        if (header == null) {
            return false;
        }
        String host = header.trim().toLowerCase(Locale.ROOT);
        String name;
        String rest;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = host.substring(1, end);
            rest = host.substring(end + 1);
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            rest = colon < 0 ? "" : host.substring(colon);
        }
        if (!rest.isEmpty() && !rest.equals(":" + port)) {
            return false;
        }
        if (name.equals("localhost")) {
            return true;
        }
        boolean literal = host.startsWith("[") ? IPV6_LITERAL.matcher(name).matches()
                : IPV4_LITERAL.matcher(name).matches();
        try {
            return literal && hosts.contains(InetAddress.getByName(name)); // a literal: parsed, not looked up
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress literal(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (IOException e) {
            throw new IllegalStateException(e); // only for a wrong length
        }
    }
}
