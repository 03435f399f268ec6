package io.procpool.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.procpool.internal.protocol.Payloads;

/**
 * Kryo's serializer for {@link Payloads.ChunkRequest}, the payload of every CHUNK frame: the function id as a var-long,
 * then the items through the {@code Object[]} serializer ({@link BulkArraySerializer}). Kryo's generic record
 * serializer would read the components and call the canonical constructor reflectively for every chunk, which costs
 * more than the chunk itself at chunk size 1.
 *
 * <p>Thread-safety: stateless.
 */
final class ChunkRequestSerializer extends Serializer<Payloads.ChunkRequest> {
    ChunkRequestSerializer() {
        super(false, true); // never null inside; immutable
    }

    @Override
    public void write(Kryo kryo, Output output, Payloads.ChunkRequest request) {
        output.writeVarLong(request.functionId(), true);
        kryo.writeObject(output, request.items());
    }

    @Override
    public Payloads.ChunkRequest read(Kryo kryo, Input input, Class<? extends Payloads.ChunkRequest> type) {
        long functionId = input.readVarLong(true);
        return new Payloads.ChunkRequest(functionId, kryo.readObject(input, Object[].class));
    }
}
