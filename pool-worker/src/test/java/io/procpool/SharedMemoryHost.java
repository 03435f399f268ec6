package io.procpool;

import java.util.List;

/**
 * A JVM for {@link SharedMemoryTest} that hosts a {@link SharedLong}, a {@link SharedDoubleArray} and a
 * {@link Shared} value, prints {@code ready} and waits to be killed.
 *
 * <p>Threading: the main thread only.
 */
public final class SharedMemoryHost {
    private SharedMemoryHost() {
    }

    public static void main(String[] args) throws InterruptedException {
        SharedLong counter = SharedLong.create(1);
        SharedDoubleArray array = SharedDoubleArray.create(1000);
        Shared<List<Integer>> value = Shared.of(List.of(1, 2, 3));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(60_000 + counter.get() + array.length() + value.get().size());
    }
}
