package io.procpool.hazelcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a Hazelcast client and a member that alters bytes on their way, as a hostile network would: the
 * first time {@code marker} passes in the chosen direction, its last byte is flipped, and everything else is relayed
 * untouched. Nothing in procpool knows it is there.
 *
 * <p>Thread-safety: one accepting thread and two relay threads per connection, all daemons; {@link #flips()} may be
 * read from any thread; {@link #close()} closes every socket, which ends the threads.
 */
final class TamperingProxy implements AutoCloseable {
    /** Which way the altered bytes travel. */
    enum Direction { TO_MEMBER, TO_CLIENT }

    private final ServerSocket server;
    private final InetSocketAddress member;
    private final byte[] marker;
    private final Direction direction;
    private final AtomicInteger flips = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TamperingProxy(InetSocketAddress member, String marker, Direction direction) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.member = member;
        this.marker = marker.getBytes(StandardCharsets.US_ASCII);
        this.direction = direction;
    }

    /**
     * @param memberAddress the member's {@code host:port}
     * @param marker        ASCII bytes whose first occurrence in {@code direction} gets its last byte flipped
     * @param direction     which way to alter
     * @return the running proxy
     */
    static TamperingProxy start(String memberAddress, String marker, Direction direction) throws IOException {
        int colon = memberAddress.lastIndexOf(':');
        TamperingProxy proxy = new TamperingProxy(new InetSocketAddress(memberAddress.substring(0, colon),
                Integer.parseInt(memberAddress.substring(colon + 1))), marker, direction);
        daemon("tampering-proxy-accept", proxy::acceptLoop);
        return proxy;
    }

    /** @return where clients connect, {@code 127.0.0.1:port} */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** @return how many bytes the proxy has flipped (0 or 1) */
    int flips() {
        return flips.get();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(member.getAddress(), member.getPort());
                sockets.add(client);
                sockets.add(upstream);
                daemon("tampering-proxy-up", () -> relay(client, upstream, direction == Direction.TO_MEMBER));
                daemon("tampering-proxy-down", () -> relay(upstream, client, direction == Direction.TO_CLIENT));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void relay(Socket from, Socket to, boolean tamper) {
        byte[] buffer = new byte[8192];
        int matched = 0; // marker bytes matched so far; the marker has no repeated prefix, so a reset to 0 or 1 is exact
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                for (int i = 0; tamper && i < read && flips.get() == 0; i++) {
                    matched = buffer[i] == marker[matched] ? matched + 1 : buffer[i] == marker[0] ? 1 : 0;
                    if (matched == marker.length) {
                        buffer[i] ^= 0x01;
                        flips.incrementAndGet();
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close() or a peer going away ends the relay
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
