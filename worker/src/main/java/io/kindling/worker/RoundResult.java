package io.kindling.worker;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * What the workers of one averaging round produced, merged: the example-weighted mean of their
 * parameters and updater state, plus counts. Merging is commutative (each element is rounded once
 * from a double-precision weighted mean), so a pairwise merge tree gives the same bits whatever the
 * order in which tasks finish; one worker's result passes through unchanged.
 */
public final class RoundResult implements Serializable {
    private static final long serialVersionUID = 1L;

    // Written by writeObject in bulk; see FloatArrays.
    private transient float[] params;
    private transient float[] updaterState;
    private long examples;
    private double lossSum;
    private int minibatches;
    private int maxSteps;
    private long maxComputeNanos;
    private long maxFetchNanos;
    private int[] trainedIndices;

    public RoundResult(float[] params, float[] updaterState, long examples, double lossSum, int minibatches,
                       long computeNanos, int[] trainedIndices) {
        this.params = params;
        this.updaterState = updaterState;
        this.examples = examples;
        this.lossSum = lossSum;
        this.minibatches = minibatches;
        this.maxSteps = minibatches;
        this.maxComputeNanos = computeNanos;
        this.trainedIndices = trainedIndices;
    }

    /** A worker that had no minibatch left in this round. */
    public static RoundResult empty() {
        return new RoundResult(null, null, 0, 0, 0, 0, new int[0]);
    }

    /** Folds {@code other} into this result and returns this. */
    public RoundResult merge(RoundResult other) {
        if (other.examples > 0) {
            if (examples == 0) {
                params = other.params;
                updaterState = other.updaterState;
            } else {
                weightedMeanInto(params, examples, other.params, other.examples);
                weightedMeanInto(updaterState, examples, other.updaterState, other.examples);
            }
        }
        examples += other.examples;
        lossSum += other.lossSum;
        minibatches += other.minibatches;
        maxSteps = Math.max(maxSteps, other.maxSteps);
        maxComputeNanos = Math.max(maxComputeNanos, other.maxComputeNanos);
        maxFetchNanos = Math.max(maxFetchNanos, other.maxFetchNanos);
        if (trainedIndices != null && other.trainedIndices != null) {
            int[] both = Arrays.copyOf(trainedIndices, trainedIndices.length + other.trainedIndices.length);
            System.arraycopy(other.trainedIndices, 0, both, trainedIndices.length, other.trainedIndices.length);
            trainedIndices = both;
        }
        return this;
    }

    // Blocks of the arrays merged in parallel: the merge is all the driver does while the workers
    // wait for the next round (3.6 M floats for the MNIST CNN with Adadelta).
    private static final int BLOCK = 1 << 16;

    private static void weightedMeanInto(float[] a, long wa, float[] b, long wb) {
        double total = (double) wa + wb;
        double pa = wa / total;
        double pb = wb / total;
        IntStream.range(0, (a.length + BLOCK - 1) / BLOCK).parallel().forEach(block -> {
            for (int i = block * BLOCK, end = Math.min(a.length, i + BLOCK); i < end; i++) {
                a[i] = (float) ((double) a[i] * pa + (double) b[i] * pb);
            }
        });
    }

    /** Mean parameters of the workers, weighted by the examples each trained this round. */
    public float[] params() {
        return params;
    }

    public float[] updaterState() {
        return updaterState;
    }

    public long examples() {
        return examples;
    }

    /** Sum over trained minibatches of (mean minibatch loss × minibatch size). */
    public double lossSum() {
        return lossSum;
    }

    public int minibatches() {
        return minibatches;
    }

    /** The most optimiser steps any one worker took; the iteration count advances by this much. */
    public int maxSteps() {
        return maxSteps;
    }

    /** The longest time a worker spent fitting, in nanoseconds. */
    public long maxComputeNanos() {
        return maxComputeNanos;
    }

    /** Records how long this worker took to fetch the round's broadcast state; returns this. */
    public RoundResult withFetchNanos(long nanos) {
        maxFetchNanos = nanos;
        return this;
    }

    /** The longest time a worker spent fetching the round's broadcast (model and updater state). */
    public long maxFetchNanos() {
        return maxFetchNanos;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        FloatArrays.write(out, params);
        FloatArrays.write(out, updaterState);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        params = FloatArrays.read(in);
        updaterState = FloatArrays.read(in);
    }

    /** Indices of the examples trained, when the job traces them; else null. */
    public int[] trainedIndices() {
        return trainedIndices;
    }
}
