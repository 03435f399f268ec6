package io.procpool.internal.insights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Names of functions as insights show them: the lambda's class and its synthetic method, a method reference's target,
 * another object's class.
 *
 * <p>Threading: single-threaded.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FunctionNamesTest {

    static int twice(int x) {
        return 2 * x;
    }

    /** A task written as a class. */
    static final class Square implements TaskFunction<Integer, Integer> {
        @Override
        public Integer apply(Integer x) {
            return x * x;
        }
    }

    @Test
    void aLambdaIsNamedByItsClassAndSyntheticMethod() {
        TaskCallable<Integer> task = () -> 42;
        String name = FunctionNames.of(task);
        assertEquals(true, name.startsWith("FunctionNamesTest.lambda$aLambdaIsNamedByItsClassAndSyntheticMethod$"),
                name);
    }

    @Test
    void aMethodReferenceIsNamedByItsTarget() {
        TaskFunction<Integer, Integer> fn = FunctionNamesTest::twice;
        assertEquals("FunctionNamesTest.twice", FunctionNames.of(fn));
        TaskFunction<String, Integer> length = String::length;
        assertEquals("String.length", FunctionNames.of(length));
    }

    @Test
    void everyInstanceOfOneCaptureSiteHasTheSameName() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            int captured = i;
            TaskCallable<Integer> task = () -> captured;
            names.add(FunctionNames.of(task));
        }
        assertEquals(1, names.size(), names.toString());
    }

    @Test
    void anObjectIsNamedByItsSimpleClassName() {
        assertEquals("FunctionNamesTest$Square", FunctionNames.of(new Square()));
        assertEquals("null", FunctionNames.of(null));
        Runnable plain = () -> { };
        assertEquals("FunctionNamesTest.lambda", FunctionNames.of(plain), "a lambda that is not serializable");
    }
}
