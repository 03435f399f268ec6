package io.procpool.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import com.esotericsoftware.minlog.Log;
import com.google.common.base.Throwables;
import io.procpool.TaskSerializationException;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.Payloads;
import java.util.EnumMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo set up once for procpool, on both sides of the pipe: serializable lambdas, captured values of anonymous
 * classes, classes without a no-arg constructor, records, JDK collection views, and exceptions through their public
 * API; a map's items and results ({@code Object[]} of boxed numbers or strings) travel as blocks
 * ({@link BulkArraySerializer}), inside chunk requests that skip Kryo's reflective record path
 * ({@link ChunkRequestSerializer}). Encoding failures become {@link TaskSerializationException}s that name the
 * class that would not serialize. Kryo recurses once per level of a graph: {@link DeepGraphs} keeps that recursion
 * from overflowing a thread's stack.
 *
 * <p>Unregistered mode can instantiate any class the stream names; that is acceptable only on the private pipes
 * between a parent and the child it started, never on a socket.
 *
 * <p>Thread-safety: all methods are thread-safe; Kryo instances and their buffers come from a pool.
 */
public final class Codec {
    /*
     * JEP 498: from JDK 24 on, Kryo's sun.misc.Unsafe calls print warnings on stderr unless the JVM was started with
     * --sun-misc-unsafe-memory-access=allow (procpool starts its workers so). Elsewhere Kryo is told to use
     * reflection instead, through the property it reads when its Util class loads; this block runs before Codec's
     * fields touch Kryo. A user's own -Dkryo.unsafe wins.
     */
    static {
        if (Runtime.version().feature() >= 24 && !"allow".equals(System.getProperty("sun.misc.unsafe.memory.access"))) {
            System.getProperties().putIfAbsent("kryo.unsafe", "false");
        }
    }

    /** One shared instance: each new ClosureSerializer would retry (and log) its reflective set-up. */
    private static final ClosureSerializer CLOSURES = quietly(ClosureSerializer::new);
    private static final ThrowableSerializer THROWABLES = new ThrowableSerializer();
    private static final Pattern TRACE_CLASS = Pattern.compile("Serialization trace:\\s*\\n\\s*\\S+ \\(([\\w.$]+)\\)");

    /** Soft references: the buffers kept in idle contexts give way under memory pressure. */
    private static final Pool<Context> CONTEXTS = new Pool<>(true, true, 64) {
        @Override
        protected Context create() {
            return new Context();
        }
    };

    private Codec() {
    }

    /** A timed answer from a worker: how long the task ran, and what it returned. */
    public record Timed<T>(long nanos, T value) {
    }

    /**
     * Encodes a task, an argument or a result.
     *
     * @param what names the value in a failure message: "task", "argument", "result"
     * @throws TaskSerializationException naming the class that would not serialize
     */
    public static byte[] encode(Object value, String what) {
        return encodeTimed(-1, value, what);
    }

    /** As {@link #encode}, prefixed by a var-long time (skipped when negative): the RESULT payload. */
    public static byte[] encodeTimed(long nanos, Object value, String what) {
        return DeepGraphs.run(maxDepth -> withContext(maxDepth, context -> {
            Output output = context.output;
            output.reset();
            if (nanos >= 0) {
                output.writeVarLong(nanos, true);
            }
            context.kryo.writeClassAndObject(output, value);
            return output.toBytes();
        }, e -> encodeFailure(value, what, e)));
    }

    /**
     * Decodes what {@link #encode} wrote (a value of any class), resolving classes through {@code loader}.
     *
     * @throws TaskSerializationException naming the class that could not be decoded
     */
    public static Object decode(byte[] bytes, ClassLoader loader, String what) {
        return decode(bytes, loader, Object.class, what);
    }

    /**
     * Decodes what {@link #encode} wrote, resolving classes through {@code loader}.
     *
     * @param type what the bytes must hold (a subclass, or {@code null} when the type allows it, will do)
     * @throws TaskSerializationException naming the class that could not be decoded, or the class found instead of
     *                                    {@code type}
     */
    public static <T> T decode(byte[] bytes, ClassLoader loader, Class<T> type, String what) {
        return expect(type, decode(bytes, false, loader, what).value(), what);
    }

    /** Decodes what {@link #encodeTimed} wrote. */
    public static Timed<Object> decodeTimed(byte[] bytes, ClassLoader loader, String what) {
        return decode(bytes, true, loader, what);
    }

    private static Timed<Object> decode(byte[] bytes, boolean timed, ClassLoader loader, String what) {
        return DeepGraphs.run(maxDepth -> withContext(maxDepth, context -> {
            context.kryo.setClassLoader(loader);
            Input input = context.input;
            input.setBuffer(bytes);
            long nanos = timed ? input.readVarLong(true) : -1;
            return new Timed<>(nanos, context.kryo.readClassAndObject(input));
        }, e -> new TaskSerializationException("cannot decode the " + what + ": " + describe(e), culprit(e, null),
                e)));
    }

    /** {@code value} as a {@code type}, or the failure that names what was found instead. */
    private static <T> T expect(Class<T> type, Object value, String what) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        throw new TaskSerializationException("cannot decode the " + what + ": expected a " + type.getName()
                + ", found a " + value.getClass().getName(), value.getClass().getName(), null);
    }

    /** Encodes a FAILURE payload; the error travels through its public API so a missing class cannot break it. */
    public static byte[] encodeFailure(long nanos, Payloads.TaskFailure failure) {
        return DeepGraphs.run(maxDepth -> withContext(maxDepth, context -> {
            Output output = context.output;
            output.reset();
            output.writeVarLong(nanos, true);
            output.writeVarInt(failure.failedIndex(), true);
            output.writeString(failure.codecMessage());
            output.writeString(failure.failedClassName());
            context.kryo.writeClassAndObject(output, failure.completed());
            context.kryo.writeObject(output, failure.error(), THROWABLES);
            return output.toBytes();
        }, e -> encodeFailure(failure, "failure", e)));
    }

    /** Decodes what {@link #encodeFailure} wrote. */
    public static Timed<Payloads.TaskFailure> decodeFailure(byte[] bytes, ClassLoader loader) {
        return DeepGraphs.run(maxDepth -> withContext(maxDepth, context -> {
            context.kryo.setClassLoader(loader);
            Input input = context.input;
            input.setBuffer(bytes);
            long nanos = input.readVarLong(true);
            int failedIndex = input.readVarInt(true);
            String codecMessage = input.readString();
            String failedClassName = input.readString();
            Object[] completed = expect(Object[].class, context.kryo.readClassAndObject(input), "partial results");
            Throwable error = context.kryo.readObject(input, Throwable.class, THROWABLES);
            return new Timed<>(nanos, new Payloads.TaskFailure(failedIndex, completed, error, codecMessage,
                    failedClassName));
        }, e -> new TaskSerializationException("cannot decode a task failure: " + describe(e), culprit(e, null),
                e)));
    }

    /**
     * Runs {@code work} with a pooled Kryo (graphs bounded to {@code maxDepth} levels, see {@link DeepGraphs}) and its
     * buffers, returning them to the pool afterwards; what Kryo throws (and the errors a broken graph causes) becomes
     * the failure {@code onFailure} builds.
     */
    private static <T> T withContext(int maxDepth, java.util.function.Function<Context, T> work,
                                     java.util.function.Function<Throwable, TaskSerializationException> onFailure) {
        Context context = CONTEXTS.obtain();
        try {
            context.kryo.setMaxDepth(maxDepth);
            return work.apply(context);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            throw onFailure.apply(e);
        } finally {
            context.release();
            CONTEXTS.free(context);
        }
    }

    private static TaskSerializationException encodeFailure(Object value, String what, Throwable e) {
        String topClass = value == null ? "null" : value.getClass().getName();
        if (Throwables.getCausalChain(e).stream().anyMatch(KryoBufferOverflowException.class::isInstance)) {
            return new TaskSerializationException("the " + what + " of class " + topClass + " is over "
                    + Frames.MAX_PAYLOAD + " bytes, over procpool's 1 GiB frame limit", topClass, e);
        }
        String culprit = culprit(e, topClass);
        String message = "cannot encode the " + what + " of class " + topClass
                + (culprit.equals(topClass) ? "" : " (" + culprit + " would not serialize)") + ": " + describe(e);
        return new TaskSerializationException(message, culprit, e);
    }

    /** The class Kryo's serialization trace names first (the innermost), or {@code fallback}. */
    private static String culprit(Throwable e, String fallback) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            Matcher matcher = TRACE_CLASS.matcher(message);
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (t instanceof ClassNotFoundException) {
                return message;
            }
        }
        return fallback;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.toString();
        return root == e ? text : text + " (caused by " + root + ")";
    }

    private static <T> T quietly(java.util.function.Supplier<T> action) {
        boolean warn = Log.WARN;
        Log.set(Log.LEVEL_ERROR);
        try {
            return action.get();
        } finally {
            if (warn) {
                Log.set(Log.LEVEL_WARN);
            }
        }
    }

    /** A Kryo with its reusable buffers. */
    private static final class Context {
        /**
         * Buffers up to this size are kept for the next encoding (regrowing one from 4 KiB costs twice the payload in
         * copies); larger ones are dropped, so a pooled context does not pin one huge payload's memory.
         */
        private static final int KEEP_BUFFER_BYTES = 16 << 20;

        final Kryo kryo = newKryo();
        final Output output = new Output(4096, Frames.MAX_PAYLOAD);
        final Input input = new Input();

        /** Readies the context for the next user: Kryo's graph state cleared, an oversized buffer let go. */
        void release() {
            kryo.reset();
            input.setBuffer(EMPTY);
            if (output.getBuffer().length > KEEP_BUFFER_BYTES) {
                output.setBuffer(new byte[4096], Frames.MAX_PAYLOAD);
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];

    static Kryo newKryo() {
        Kryo kryo = new ProcpoolKryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true); // user graphs may share or cycle
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        FieldSerializer.FieldSerializerConfig fields = new FieldSerializer.FieldSerializerConfig();
        fields.setIgnoreSyntheticFields(false); // an anonymous class's captured values are synthetic fields
        kryo.setDefaultSerializer(new com.esotericsoftware.kryo.SerializerFactory.FieldSerializerFactory(fields));
        kryo.register(ClosureSerializer.Closure.class, CLOSURES);
        kryo.register(Object[].class, new BulkArraySerializer(kryo)); // a map's items and results, in blocks
        kryo.register(Payloads.ChunkRequest.class, new ChunkRequestSerializer());
        kryo.addDefaultSerializer(Throwable.class, THROWABLES);
        kryo.addDefaultSerializer(EnumMap.class, new JavaSerializer());
        kryo.setClassLoader(Codec.class.getClassLoader());
        return kryo;
    }

    /** Routes the JDK's non-public collection views to copying serializers instead of the generic ones. */
    private static final class ProcpoolKryo extends Kryo {
        @Override
        @SuppressWarnings("rawtypes")
        public Serializer getDefaultSerializer(Class type) {
            Serializer serializer = super.getDefaultSerializer(type);
            Class<?> chosen = serializer.getClass();
            boolean generic = chosen == CollectionSerializer.class || chosen == MapSerializer.class
                    || chosen == FieldSerializer.class;
            return generic && ViewCopySerializers.needsCopy(type) ? ViewCopySerializers.forType(type) : serializer;
        }
    }
}
