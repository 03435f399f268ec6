package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void mapSquares() {
        try (ProcessPool pool = ProcessPool.create(2)) {
            List<Integer> input = IntStream.range(0, 10_000).boxed().collect(Collectors.toList());
            long t0 = System.nanoTime();
            List<Integer> out = pool.map(x -> x * x, input);
            System.out.println("map took " + (System.nanoTime() - t0) / 1e6 + " ms");
            assertEquals(input.stream().map(x -> x * x).collect(Collectors.toList()), out);
            assertEquals(42, (int) pool.apply(() -> 42));
            System.out.println(pool.workers());
        }
    }
}
