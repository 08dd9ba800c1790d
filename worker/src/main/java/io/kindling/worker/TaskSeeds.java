package io.kindling.worker;

/**
 * Seeds for the per-thread ND4J RNG (dropout), derived from the job seed and the task's place in
 * the job, so a run is reproducible whichever executor thread runs which task.
 */
public final class TaskSeeds {
    private TaskSeeds() {
    }

    public static long of(long seed, int epoch, int round, int worker) {
        long h = mix(seed);
        h = mix(h ^ epoch);
        h = mix(h ^ round);
        return mix(h ^ worker);
    }

    /** SplitMix64's finaliser: a bijective mix of all 64 bits. */
    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
