package io.procpool.internal.insights;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Names the function of a task for insights and JFR: {@code Digest.lambda$main$0} for a lambda written in
 * {@code Digest.main}, {@code Files.size} for a method reference, the simple class name for any other object. A
 * serializable lambda tells where it was written through its {@code writeReplace} method, which returns a
 * {@link SerializedLambda}. The name is computed from the first instance of a class and cached for the class (a lambda
 * class stands for one capture site, so every instance has the same name).
 *
 * <p>Thread-safety: thread-safe; racing first calls compute the same name.
 */
public final class FunctionNames {
    private static final ClassValue<Slot> NAMES = new ClassValue<>() {
        @Override
        protected Slot computeValue(Class<?> type) {
            return new Slot();
        }
    };

    /** The cached name of one class; written once its first instance was named. */
    private static final class Slot {
        volatile String name;
    }

    private FunctionNames() {
    }

    /**
     * @param function a task, a function or any other object that runs in a worker
     * @return its name; {@code "null"} for {@code null}
     */
    public static String of(Object function) {
        if (function == null) {
            return "null";
        }
        Slot slot = NAMES.get(function.getClass());
        String name = slot.name;
        if (name == null) {
            name = nameOf(function);
            slot.name = name;
        }
        return name;
    }

    private static String nameOf(Object function) {
        Class<?> type = function.getClass();
        if (function instanceof Serializable && type.isSynthetic()) {
            try {
                Method writeReplace = type.getDeclaredMethod("writeReplace");
                writeReplace.setAccessible(true);
                if (writeReplace.invoke(function) instanceof SerializedLambda lambda) {
                    return simpleName(lambda.getImplClass().replace('/', '.')) + "." + lambda.getImplMethodName();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not a serializable lambda after all, or its package is not open to us: named by its class below
            }
        }
        String binaryName = type.getName();
        int lambda = binaryName.indexOf("$$Lambda");
        return lambda >= 0 ? simpleName(binaryName.substring(0, lambda)) + ".lambda" : simpleName(binaryName);
    }

    private static String simpleName(String binaryName) {
        return binaryName.substring(binaryName.lastIndexOf('.') + 1);
    }
}
