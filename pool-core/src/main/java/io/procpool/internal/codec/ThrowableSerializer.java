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
 * suppressed exceptions, plus the fields of procpool's own exceptions ({@link OwnExceptions}). It needs no
 * {@code --add-opens}, survives {@code cause == this} and cycles, and never loses frames. On the reading side the
 * exception is rebuilt as its original class through a public constructor whose result has the same message (also
 * when the class overrides {@code getMessage()} to decorate the message it was built with); when the class is missing
 * or has no such constructor a {@link RemoteException} stands in with the same detail. Non-public constructors are
 * used where the class's module is open to us (user code on the class path). Fields of other exception classes beyond
 * message and cause are not carried.
 *
 * <p>Hostile exceptions: every overridable getter ({@code getMessage}, {@code getStackTrace}, {@code getCause}) is
 * called once, guarded; one that throws or returns {@code null} is read as "no message", "no frames", "no cause", so
 * the class name always travels and the encoding never fails because of the exception's own code. A rebuilt exception
 * is used only if its {@code getMessage}, {@code toString} and {@code getCause} behave; else a stand-in is.
 *
 * <p>Bounds: a cause chain longer than {@value #MAX_CHAIN} links keeps its first {@value #KEPT_HEAD} causes and its
 * root cause (the most useful one); in between, a {@link CausesOmittedException} says how many were dropped.
 * Suppressed exceptions nest at most {@value #MAX_SUPPRESSED_DEPTH} deep and at most {@value #MAX_THROWABLES}
 * exceptions are carried in all, so the encoding's size and its recursion depth are bounded.
 *
 * <p>Thread-safety: stateless; safe to share between Kryo instances.
 */
final class ThrowableSerializer extends Serializer<Throwable> {
    /** Most links of one cause chain carried. */
    static final int MAX_CHAIN = 64;
    /** Causes kept from the top of a chain that is too long; the marker and the root cause follow them. */
    static final int KEPT_HEAD = MAX_CHAIN - 2;
    /** A {@code getCause()} that makes up a new cause on every call is followed this far, no farther. */
    static final int MAX_TRAVERSED = 100_000;
    /** Deepest nesting of suppressed exceptions carried. */
    static final int MAX_SUPPRESSED_DEPTH = 8;
    /** Most exceptions carried for one encoded throwable; further suppressed ones are dropped. */
    static final int MAX_THROWABLES = 1024;

    @Override
    public void write(Kryo kryo, Output output, Throwable throwable) {
        new Writer(output).write(throwable, 0);
    }

    /** One encoding: the identity set that breaks cycles and the budget of exceptions. Not thread-safe. */
    private static final class Writer {
        private final Output output;
        private final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private int written;

        Writer(Output output) {
            this.output = output;
        }

        void write(Throwable throwable, int depth) {
            writeChain(chainOf(throwable), 0, depth);
        }

        /** The cause chain from {@code top}, cycles cut, cut in the middle when too long. */
        private List<Link> chainOf(Throwable top) {
            List<Throwable> all = new ArrayList<>();
            Throwable link = top;
            while (link != null && all.size() < MAX_TRAVERSED && seen.add(link)) {
                all.add(link);
                link = causeOf(link);
            }
            boolean endless = link != null && all.size() >= MAX_TRAVERSED;
            List<Link> kept = new ArrayList<>(Math.min(all.size(), MAX_CHAIN));
            if (all.size() <= MAX_CHAIN) {
                all.forEach(t -> kept.add(Link.of(t)));
                return kept;
            }
            all.subList(0, KEPT_HEAD).forEach(t -> kept.add(Link.of(t)));
            int dropped = all.size() - KEPT_HEAD - 1;
            kept.add(new Link(null, CausesOmittedException.class.getName(),
                    CausesOmittedException.message(dropped, all.size(), endless), new StackTraceElement[0]));
            kept.add(Link.of(all.get(all.size() - 1)));
            return kept;
        }

        private void writeChain(List<Link> chain, int index, int depth) {
            Link link = chain.get(index);
            written++;
            output.writeString(link.className);
            output.writeString(link.message);
            OwnExceptions.writeFields(output, link.throwable);
            output.writeVarInt(link.frames.length, true);
            for (StackTraceElement frame : link.frames) {
                output.writeString(frame.getClassLoaderName());
                output.writeString(frame.getModuleName());
                output.writeString(frame.getModuleVersion());
                output.writeString(frame.getClassName());
                output.writeString(frame.getMethodName());
                output.writeString(frame.getFileName());
                output.writeVarInt(frame.getLineNumber(), false);
            }
            boolean more = index + 1 < chain.size();
            output.writeBoolean(more);
            if (more) {
                writeChain(chain, index + 1, depth);
            }
            List<Throwable> suppressed = new ArrayList<>();
            if (link.throwable != null && depth < MAX_SUPPRESSED_DEPTH) {
                for (Throwable s : link.throwable.getSuppressed()) { // final in Throwable: cannot be hostile
                    if (written + suppressed.size() < MAX_THROWABLES && !seen.contains(s)) {
                        suppressed.add(s);
                    }
                }
            }
            output.writeVarInt(suppressed.size(), true);
            for (Throwable s : suppressed) {
                write(s, depth + 1);
            }
        }
    }

    /**
     * One link of a chain as read once through its getters; {@code throwable} is {@code null} for the marker of
     * omitted causes.
     */
    private record Link(Throwable throwable, String className, String message, StackTraceElement[] frames) {
        static Link of(Throwable t) {
            return new Link(t, t.getClass().getName(), messageOf(t), framesOf(t));
        }
    }

    /** The message, or a note naming what {@code getMessage()} threw instead. */
    private static String messageOf(Throwable t) {
        try {
            return t.getMessage();
        } catch (Throwable thrown) { // user code, StackOverflowError included: the class name still travels
            return "<getMessage() threw " + thrown.getClass().getName() + ">";
        }
    }

    private static StackTraceElement[] framesOf(Throwable t) {
        StackTraceElement[] frames;
        try {
            frames = t.getStackTrace();
        } catch (Throwable thrown) {
            return new StackTraceElement[0];
        }
        if (frames == null) {
            return new StackTraceElement[0];
        }
        return java.util.Arrays.stream(frames).filter(Objects::nonNull).toArray(StackTraceElement[]::new);
    }

    private static Throwable causeOf(Throwable t) {
        try {
            return t.getCause();
        } catch (Throwable thrown) {
            return null;
        }
    }

    @Override
    public Throwable read(Kryo kryo, Input input, Class<? extends Throwable> type) {
        return read(input, kryo.getClassLoader());
    }

    private static Throwable read(Input input, ClassLoader loader) {
        String className = input.readString();
        String message = input.readString();
        OwnExceptions.Fields fields = OwnExceptions.readFields(input);
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
        Throwable rebuilt = fields != null ? fields.rebuild(message, cause) : null;
        if (rebuilt == null) {
            rebuilt = rebuild(className, message, cause, loader);
        }
        try {
            rebuilt.setStackTrace(frames); // overridable: a class that refuses gets the stand-in
        } catch (RuntimeException | LinkageError e) {
            rebuilt = standIn(className, message, cause);
            rebuilt.setStackTrace(frames);
        }
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
        if (original != null && cause != null && causeOf(original) != cause) {
            try {
                original.initCause(cause);
            } catch (RuntimeException | LinkageError e) {
                original = null; // the class fixes its own cause; a stand-in keeps the real one
            }
        }
        return original != null ? original : standIn(className, message, cause);
    }

    private static Throwable standIn(String className, String message, Throwable cause) {
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
            // Package-private exception classes are common in user code; JDK internals stay closed to us.
            if (!fits(constructor.getParameterTypes(), cause) || !constructor.trySetAccessible()) {
                continue;
            }
            Throwable candidate = construct(constructor, message, cause);
            if (candidate == null) {
                continue;
            }
            String decorated = messageOrNull(candidate);
            if (Objects.equals(decorated, message)) {
                return candidate;
            }
            // getMessage() may decorate what it was given (prefix + message + suffix): undo that once
            String inner = takesMessage(constructor) ? undecorated(message, message, decorated) : null;
            candidate = inner == null ? null : construct(constructor, inner, cause);
            if (candidate != null && Objects.equals(messageOrNull(candidate), message)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Builds one candidate and keeps it only if its overridable getters behave (a rebuilt exception whose
     * {@code toString} throws would break the caller instead).
     */
    private static Throwable construct(Constructor<?> constructor, String message, Throwable cause) {
        try {
            Throwable candidate = (Throwable) constructor.newInstance(arguments(constructor.getParameterTypes(),
                    message, cause));
            candidate.getMessage();
            candidate.getLocalizedMessage();
            candidate.getCause();
            return candidate.toString() != null ? candidate : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError | StackOverflowError e) {
            return null; // this constructor does not fit (it validates its arguments, say), or the class misbehaves
        }
    }

    private static String messageOrNull(Throwable t) {
        try {
            return t.getMessage();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return null;
        }
    }

    /**
     * When {@code getMessage()} returned {@code decorated} for the argument {@code given} (say {@code "code 7: " +
     * super.getMessage()}), the argument that makes it return {@code wanted}: {@code wanted} with the same prefix and
     * suffix taken off, or {@code null} when the decoration is not of that shape.
     */
    static String undecorated(String wanted, String given, String decorated) {
        if (wanted == null || given == null || decorated == null) {
            return null;
        }
        int at = decorated.indexOf(given);
        if (at < 0) {
            return null;
        }
        String prefix = decorated.substring(0, at);
        String suffix = decorated.substring(at + given.length());
        if (wanted.length() < prefix.length() + suffix.length() || !wanted.startsWith(prefix)
                || !wanted.endsWith(suffix)) {
            return null;
        }
        return wanted.substring(prefix.length(), wanted.length() - suffix.length());
    }

    /** Whether the constructor has one of the shapes (String, Throwable-ish), (String), (), (Throwable-ish). */
    private static boolean fits(Class<?>[] parameters, Throwable cause) {
        return arguments(parameters, "", cause) != null;
    }

    private static boolean takesMessage(Constructor<?> constructor) {
        Class<?>[] parameters = constructor.getParameterTypes();
        return parameters.length > 0 && parameters[0] == String.class;
    }

    /** Arguments for the shapes (String, Throwable-ish), (String), (), (Throwable-ish); null for any other shape. */
    private static Object[] arguments(Class<?>[] parameters, String message, Throwable cause) {
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
