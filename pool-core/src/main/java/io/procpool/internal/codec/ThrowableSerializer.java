package io.procpool.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.procpool.RemoteException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Carries any {@link Throwable} through its public API only: class name, message, stack frames, cause chain and
 * suppressed exceptions. It needs no {@code --add-opens}, survives {@code cause == this} and cycles, and never loses
 * frames. On the reading side the exception is rebuilt as its original class through a public constructor whose
 * result has the same message; when the class is missing or has no such constructor a {@link RemoteException} stands
 * in with the same detail. Non-public constructors are used where the class's module is open to us (user code on the
 * class path). Fields of custom exception classes beyond message and cause are not carried.
 *
 * <p>Thread-safety: stateless; safe to share between Kryo instances.
 */
final class ThrowableSerializer extends Serializer<Throwable> {
    /** Longest cause chain and deepest suppressed nesting carried; deeper links are cut. */
    private static final int MAX_DEPTH = 64;

    @Override
    public void write(Kryo kryo, Output output, Throwable throwable) {
        write(output, throwable, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static void write(Output output, Throwable throwable, Set<Throwable> seen, int depth) {
        seen.add(throwable);
        output.writeString(throwable.getClass().getName());
        output.writeString(throwable.getMessage());
        StackTraceElement[] frames = throwable.getStackTrace();
        output.writeVarInt(frames.length, true);
        for (StackTraceElement frame : frames) {
            output.writeString(frame.getClassLoaderName());
            output.writeString(frame.getModuleName());
            output.writeString(frame.getModuleVersion());
            output.writeString(frame.getClassName());
            output.writeString(frame.getMethodName());
            output.writeString(frame.getFileName());
            output.writeVarInt(frame.getLineNumber(), false);
        }
        Throwable cause = throwable.getCause();
        boolean writeCause = cause != null && !seen.contains(cause) && depth < MAX_DEPTH;
        output.writeBoolean(writeCause);
        if (writeCause) {
            write(output, cause, seen, depth + 1);
        }
        List<Throwable> suppressed = new ArrayList<>();
        for (Throwable s : throwable.getSuppressed()) {
            if (!seen.contains(s) && depth < MAX_DEPTH) {
                suppressed.add(s);
            }
        }
        output.writeVarInt(suppressed.size(), true);
        for (Throwable s : suppressed) {
            write(output, s, seen, depth + 1);
        }
    }

    @Override
    public Throwable read(Kryo kryo, Input input, Class<? extends Throwable> type) {
        return read(input, kryo.getClassLoader());
    }

    private static Throwable read(Input input, ClassLoader loader) {
        String className = input.readString();
        String message = input.readString();
        StackTraceElement[] frames = new StackTraceElement[input.readVarInt(true)];
        for (int i = 0; i < frames.length; i++) {
            String classLoaderName = builtInAsNull(input.readString());
            String moduleName = input.readString();
            String moduleVersion = input.readString();
            if (moduleName != null && (moduleName.startsWith("java.") || moduleName.startsWith("jdk."))) {
                moduleVersion = null; // the JDK prints its own modules' frames without a version
            }
            String declaringClass = input.readString();
            String methodName = input.readString();
            String fileName = input.readString();
            int line = input.readVarInt(false);
            frames[i] = new StackTraceElement(classLoaderName, moduleName, moduleVersion, declaringClass, methodName,
                    fileName, line);
        }
        Throwable cause = input.readBoolean() ? read(input, loader) : null;
        Throwable[] suppressed = new Throwable[input.readVarInt(true)];
        for (int i = 0; i < suppressed.length; i++) {
            suppressed[i] = read(input, loader);
        }
        Throwable rebuilt = rebuild(className, message, cause, loader);
        rebuilt.setStackTrace(frames);
        for (Throwable s : suppressed) {
            rebuilt.addSuppressed(s);
        }
        return rebuilt;
    }

    /**
     * The JDK prints frames of its built-in loaders without the loader's name; a rebuilt frame would print
     * {@code app//com.example.Task.run(...)}, so those names are dropped.
     */
    private static String builtInAsNull(String classLoaderName) {
        return "app".equals(classLoaderName) || "platform".equals(classLoaderName) ? null : classLoaderName;
    }

    /** The original class with the same message and cause when possible, else a {@link RemoteException}. */
    static Throwable rebuild(String className, String message, Throwable cause, ClassLoader loader) {
        Throwable original = instantiate(className, message, cause, loader);
        if (original != null) {
            if (cause != null && original.getCause() != cause) {
                try {
                    original.initCause(cause);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    original = null; // the class fixes its own cause; a stand-in keeps the real one
                }
            }
            if (original != null) {
                return original;
            }
        }
        RemoteException standIn = new RemoteException(className, message);
        if (cause != null) {
            standIn.initCause(cause);
        }
        return standIn;
    }

    private static Throwable instantiate(String className, String message, Throwable cause, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!Throwable.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            return null;
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            Object[] arguments = argumentsFor(constructor.getParameterTypes(), message, cause);
            // Package-private exception classes are common in user code; JDK internals stay closed to us.
            if (arguments == null || !constructor.trySetAccessible()) {
                continue;
            }
            try {
                Throwable candidate = (Throwable) constructor.newInstance(arguments);
                if (Objects.equals(candidate.getMessage(), message)) {
                    return candidate;
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // this constructor does not fit (it validates its arguments, say): try the next
            }
        }
        return null;
    }

    /** Arguments for the shapes (String, Throwable-ish), (String), (), (Throwable-ish); null for any other shape. */
    private static Object[] argumentsFor(Class<?>[] parameters, String message, Throwable cause) {
        if (parameters.length == 2 && parameters[0] == String.class && Throwable.class.isAssignableFrom(parameters[1])
                && (cause == null || parameters[1].isInstance(cause))) {
            return new Object[] {message, cause};
        }
        if (parameters.length == 1 && parameters[0] == String.class) {
            return new Object[] {message};
        }
        if (parameters.length == 0) {
            return new Object[0];
        }
        if (parameters.length == 1 && Throwable.class.isAssignableFrom(parameters[0]) && cause != null
                && parameters[0].isInstance(cause)) {
            return new Object[] {cause};
        }
        return null;
    }
}
