package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessPool;
import io.procpool.Shared;
import io.procpool.SharedDoubleArray;
import io.procpool.SharedLong;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Python's "Sharing state between processes" example ({@code Value('d', 0.0)}, {@code Array('i', range(10))}, a child
 * that sets the number and negates the array), then {@code Pool.share}: a dictionary sent to the workers once and
 * looked up by every task. Prints {@code 3.1415927}, the negated array, and the looked-up words.
 *
 * <p>Threading: the main thread only; the child and the tasks run in their own JVMs.
 */
public final class SharedData {
    private SharedData() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while joining the child
     */
    public static void main(String[] args) throws InterruptedException {
        try (SharedDoubleArray number = SharedDoubleArray.create(1);
             SharedDoubleArray array = SharedDoubleArray.of(IntStream.range(0, 10).asDoubleStream().toArray())) {
            JvmProcess child = new JvmProcess(() -> {
                number.set(0, 3.1415927);
                for (int i = 0; i < array.length(); i++) {
                    array.set(i, -array.get(i));
                }
            });
            child.start();
            child.join();
            System.out.println(number.get(0));
            System.out.println(Arrays.toString(Arrays.stream(array.get(0, new double[10])).mapToInt(d -> (int) d)
                    .toArray()));
        }
        try (ProcessPool pool = ProcessPool.create(2);
             Shared<Map<String, String>> dictionary = pool.share(Map.of("one", "un", "two", "deux", "three", "trois"));
             SharedLong lookups = SharedLong.create(0)) {
            List<String> french = pool.map(word -> {
                lookups.incrementAndGet();
                return dictionary.get().getOrDefault(word, "?");
            }, List.of("one", "two", "three", "four"));
            System.out.println(french + " (" + lookups.get() + " lookups)");
        }
    }
}
