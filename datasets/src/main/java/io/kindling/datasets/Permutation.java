package io.kindling.datasets;

import java.io.Serializable;

/**
 * A seeded random permutation of [0, n), computed one element at a time in constant time and memory:
 * a 4-round Feistel network over the smallest even number of bits that holds n, with cycle-walking
 * to stay below n. Every task computes the same permutation from (n, seed, round) alone, so no array
 * of n positions is built or shipped, whatever the size of the dataset.
 */
public final class Permutation implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ROUNDS = 4;

    private final long n;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    private Permutation(long n, long seed, long stream) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs n >= 1, got " + n);
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        long k = mix(seed ^ mix(stream));
        for (int r = 0; r < ROUNDS; r++) {
            k = mix(k + 0x9e3779b97f4a7c15L);
            keys[r] = k;
        }
    }

    /** The permutation of {@code n} elements for this seed and stream (e.g. the epoch). */
    public static Permutation of(long n, long seed, long stream) {
        return new Permutation(n, seed, stream);
    }

    /** Where element {@code i} goes: a bijection of [0, n). */
    public long apply(long i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(i + " not in [0, " + n + ")");
        }
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (long key : keys) {
            long next = left ^ (mix(right ^ key) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser. */
    public static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
