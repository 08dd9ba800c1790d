package io.kindling.worker.exchange;

import java.util.Arrays;

/**
 * Where the pieces of a vector of the exchange lie: the vector is cut into slices (one per task, or
 * one that every task averages), and each slice into pieces of at most a given number of values, one
 * push each. The network's parameters (the values before {@code parameters}) and the optimiser
 * state after them are cut separately, so that no piece holds both: a round's parameters can be
 * averaged while its optimiser state is still on its way (the next round's forward and backward
 * passes do not read the state), and each piece lies in one of the network's arrays, so it can be
 * pushed from where it is. A slice's parameter pieces come first; a slice without any has one empty
 * piece there, which carries the workers' numbers in its header.
 */
final class PieceLayout {
    private final long length;
    private final long[][] starts; // [slice][piece]
    private final int[][] lengths;
    private final int[] firstOfState; // [slice]: the index of its first piece of optimiser state

    PieceLayout(long length, long parameters, int slices, int piece) {
        this.length = length;
        long cut = Math.min(Math.max(parameters, 0), length);
        starts = new long[slices][];
        lengths = new int[slices][];
        firstOfState = new int[slices];
        for (int j = 0; j < slices; j++) {
            long from = cut * j / slices;
            long to = cut * (j + 1) / slices;
            long stateFrom = cut + (length - cut) * j / slices;
            long stateTo = cut + (length - cut) * (j + 1) / slices;
            int first = Math.max(1, count(to - from, piece));
            int count = first + count(stateTo - stateFrom, piece);
            starts[j] = new long[count];
            lengths[j] = new int[count];
            firstOfState[j] = first;
            starts[j][0] = from; // the empty piece of a slice without parameters
            cut(j, 0, from, to, piece);
            cut(j, first, stateFrom, stateTo, piece);
        }
    }

    private static int count(long values, int piece) {
        return (int) ((values + piece - 1) / piece);
    }

    private void cut(int slice, int index, long from, long to, int piece) {
        for (; from < to; from += piece, index++) {
            starts[slice][index] = from;
            lengths[slice][index] = (int) Math.min(piece, to - from);
        }
    }

    long length() {
        return length;
    }

    int slices() {
        return starts.length;
    }

    int pieces(int slice) {
        return starts[slice].length;
    }

    /** Whether piece {@code p} of {@code slice} holds optimiser state (else parameters). */
    boolean ofState(int slice, int p) {
        return p >= firstOfState[slice];
    }

    /** The first piece of {@code slice} that holds optimiser state ({@link #pieces} when none does). */
    int firstOfState(int slice) {
        return firstOfState[slice];
    }

    long start(int slice, int p) {
        return starts[slice][p];
    }

    int length(int slice, int p) {
        return lengths[slice][p];
    }

    @Override
    public String toString() {
        return Arrays.deepToString(starts);
    }
}
