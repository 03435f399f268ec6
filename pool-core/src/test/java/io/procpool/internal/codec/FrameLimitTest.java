package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.procpool.TaskSerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A value over the frame limit fails with a message that names the limit, not Kryo's "Buffer overflow". */
@Timeout(120)
class FrameLimitTest {

    /** Writes more than 1 GiB from one small array, so the test needs the encoder's buffer and little else. */
    static final class Huge implements KryoSerializable {
        @Override
        public void write(Kryo kryo, Output output) {
            byte[] piece = new byte[1 << 20];
            for (int i = 0; i <= 1024; i++) {
                output.writeBytes(piece);
            }
        }

        @Override
        public void read(Kryo kryo, Input input) {
            throw new UnsupportedOperationException("never decoded");
        }
    }

    @Test
    void argumentOverTheFrameLimitSaysItIsOverTheLimit() {
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> Codec.encode(new Huge(), "argument"));
        String message = e.getMessage();
        assertTrue(message.startsWith("the argument of class " + Huge.class.getName() + " is over 1073741824 bytes, "
                + "over procpool's 1 GiB frame limit"), message);
    }
}
