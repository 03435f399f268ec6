package io.procpool.internal.handles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.HostProcess;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The broker's side of a sender that dies mid-message, on a real Unix-domain socket: a frame cut off by the end of
 * the connection is dropped whole, a corrupted one ends that connection only, and whole frames before either are
 * kept. A client here is a raw socket writing the broker's frames by hand.
 */
class BrokerFramingTest {

    private static SocketChannel connect() throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(Broker.socketOf(HostProcess.current())));
        ByteBuffer hello = Wire.start(Wire.Type.HELLO, 0, 16);
        hello.putLong(4242).putLong(1);
        Wire.write(channel, Wire.seal(hello));
        return channel;
    }

    private static ByteBuffer put(HandleId queue, Object value) {
        return new Request(queue.objectId(), Ops.PUT, 1, 0, 0, Codec.encode(value, "element"), null)
                .toFrame(Wire.Type.ONE_WAY, 0);
    }

    private static int size(HandleId queue) {
        return (int) HandleCalls.quick(queue, Ops.SIZE, 0, null, null).number();
    }

    @Test
    void aFrameCutOffByTheSendersDeathIsDroppedWhole() throws Exception {
        HandleId queue = HostedQueue.create(0, false);
        try (SocketChannel sender = connect()) {
            Wire.write(sender, put(queue, "whole"));
            ByteBuffer big = put(queue, new byte[10 << 20]);
            big.limit(big.limit() / 2);
            Wire.write(sender, big);
        }
        Outcome first = HandleCalls.call(queue, Ops.TAKE, 0, null, null, Duration.ofSeconds(10));
        assertEquals("whole", Codec.decode(first.value(), getClass().getClassLoader(), "element"));
        Outcome second = HandleCalls.call(queue, Ops.TAKE, 0, null, null, Duration.ofMillis(300));
        assertEquals(Outcome.Status.TIMED_OUT, second.status(), "half a message never arrives");
    }

    @Test
    void aCorruptedFrameEndsOnlyItsConnection() throws Exception {
        HandleId queue = HostedQueue.create(0, false);
        try (SocketChannel sender = connect(); SocketChannel other = connect()) {
            ByteBuffer bad = put(queue, "flipped");
            bad.put(Wire.HEADER + 2, (byte) (bad.get(Wire.HEADER + 2) ^ 0x55));
            Wire.write(sender, bad);
            Wire.write(other, put(queue, "fine"));
            Outcome taken = HandleCalls.call(queue, Ops.TAKE, 0, null, null, Duration.ofSeconds(10));
            assertEquals("fine", Codec.decode(taken.value(), getClass().getClassLoader(), "element"));
            assertEquals(-1, sender.read(ByteBuffer.allocate(1)), "the broker hung up on the corrupt sender");
        }
        assertEquals(0, size(queue));
    }
}
