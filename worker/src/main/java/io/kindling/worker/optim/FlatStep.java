package io.kindling.worker.optim;

import io.kindling.worker.NativeFloats;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * DL4J's updater step as one pass over the network's flat parameter, gradient and optimiser-state
 * arrays, a chunk at a time: the division by the minibatch size, global-norm clipping, L2 or
 * decoupled weight decay, the optimiser's rule ({@link TorchOptimizer#step}) and the parameter
 * update, with no ND4J op in between. DL4J runs each of these as separate ops per block of
 * parameters, each allocating its result: a dozen or more ops, which for a small dense network
 * took as long as its matrix products.
 *
 * <p>Batch norm's running statistics, whose "gradients" are updates already, are subtracted as they are.
 *
 * <p>{@link #of} returns null where DL4J's updater is needed: optimisers other than Kindling's,
 * L1 regularisation, per-layer gradient normalisation, another updater class.
 */
public final class FlatStep {
    private static final int CHUNK = 1 << 12;

    private final MultiLayerNetwork net;
    private final List<Segment> segments;
    private final double maxNorm; // 0: no clipping
    private final float[] g = new float[CHUNK];
    private final float[] p = new float[CHUNK];
    private float[][] state = new float[0][];

    /** A run of parameters with one optimiser and one regularisation, inside one updater block. */
    private record Segment(long start, long end, TorchOptimizer optimizer, INDArray stateView, long blockStart,
                           long blockLength, double l2, WeightDecay decay) {
    }

    private FlatStep(MultiLayerNetwork net, List<Segment> segments, double maxNorm) {
        this.net = net;
        this.segments = segments;
        this.maxNorm = maxNorm;
    }

    /** The fused step for {@code net}'s updater, or null when it needs DL4J's. */
    public static FlatStep of(MultiLayerNetwork net) {
        Updater updater = net.getUpdater();
        if (updater.getClass() != MultiLayerUpdater.class && updater.getClass() != GlobalNormClipping.class) {
            return null;
        }
        List<Segment> segments = new ArrayList<>();
        for (UpdaterBlock block : ((MultiLayerUpdater) updater).getUpdaterBlocks()) {
            var rule = block.getGradientUpdater().getConfig();
            if (rule instanceof NoOp) {
                // Batch norm's running statistics: their "gradients" are the updates, subtracted as they are
                for (UpdaterBlock.ParamState param : block.getLayersAndVariablesInBlock()) {
                    if (param.getLayer().updaterDivideByMinibatch(param.getParamName())) {
                        return null;
                    }
                    segments.add(new Segment(param.getParamOffsetStart(), param.getParamOffsetEnd(), null, null, 0, 0,
                            0, null));
                }
                continue;
            }
            if (!(rule instanceof TorchOptimizer optimizer)) {
                return null;
            }
            INDArray view = block.getUpdaterView();
            if (optimizer.stateArrays() > 0 && (view == null || NativeFloats.of(view) == null)) {
                return null;
            }
            long blockStart = block.getParamOffsetStart();
            long blockLength = block.getParamOffsetEnd() - blockStart;
            for (UpdaterBlock.ParamState param : block.getLayersAndVariablesInBlock()) {
                var config = param.getLayer().getConfig();
                if ((config.getGradientNormalization() != null && config.getGradientNormalization() != GradientNormalization.None)
                        || !param.getLayer().updaterDivideByMinibatch(param.getParamName())) {
                    return null;
                }
                double l2 = 0;
                WeightDecay decay = null;
                List<Regularization> regularizations = config.getRegularizationByParam(param.getParamName());
                for (Regularization r : regularizations == null ? List.<Regularization>of() : regularizations) {
                    if (r instanceof L2Regularization l && l2 == 0) {
                        l2 = l.getL2().valueAt(0, 0);
                        if (l.getL2().valueAt(1000, 10) != l2) {
                            return null; // a schedule: DL4J's updater reads it at every step
                        }
                    } else if (r instanceof WeightDecay w && decay == null) {
                        decay = w;
                    } else {
                        return null;
                    }
                }
                segments.add(new Segment(param.getParamOffsetStart(), param.getParamOffsetEnd(), optimizer, view,
                        blockStart, blockLength, l2, decay));
            }
        }
        double maxNorm = updater instanceof GlobalNormClipping clip ? clip.maxNorm() : 0;
        return new FlatStep(net, segments, maxNorm);
    }

    /**
     * Turns the gradient sums of a minibatch of {@code examples} in the network's gradient view
     * into the step, applied to its parameters and optimiser state, as DL4J's updater and
     * {@code params.subi(update)} would at iteration {@code iteration} of epoch {@code epoch}.
     */
    public void apply(int examples, int iteration, int epoch) {
        FloatPointer params = NativeFloats.of(net.params());
        FloatPointer grads = NativeFloats.of(net.getFlattenedGradients());
        float batch = examples;
        float clip = maxNorm > 0 ? clipCoefficient(grads, batch) : 1f;
        int step = iteration + 1;
        for (Segment s : segments) {
            TorchOptimizer optimizer = s.optimizer();
            if (optimizer == null) {
                subtractAsIs(params, grads, s);
                continue;
            }
            double lr = optimizer.getLearningRate(iteration, epoch);
            int k = optimizer.stateArrays();
            FloatPointer stateBase = k > 0 ? NativeFloats.of(s.stateView()) : null;
            if (state.length < k) {
                state = new float[k][CHUNK];
            }
            boolean flush = optimizer.flushesAt(step);
            float l2 = (float) s.l2();
            float decay = s.decay() == null ? 0f
                    : (float) (s.decay().getCoeff().valueAt(iteration, epoch) * (s.decay().isApplyLR() ? lr : 1));
            for (long from = s.start(); from < s.end(); from += CHUNK) {
                int m = (int) Math.min(CHUNK, s.end() - from);
                NativeFloats.get(grads, from, g, m);
                NativeFloats.get(params, from, p, m);
                for (int i = 0; i < m; i++) {
                    g[i] = g[i] / batch;
                }
                if (clip < 1f) {
                    for (int i = 0; i < m; i++) {
                        g[i] *= clip;
                    }
                }
                if (l2 != 0) {
                    for (int i = 0; i < m; i++) {
                        g[i] += p[i] * l2;
                    }
                }
                for (int j = 0; j < k; j++) {
                    NativeFloats.get(stateBase, j * s.blockLength() + (from - s.blockStart()), state[j], m);
                }
                optimizer.step(g, state, m, lr, step);
                if (decay != 0) {
                    for (int i = 0; i < m; i++) {
                        g[i] += p[i] * decay;
                    }
                }
                for (int i = 0; i < m; i++) {
                    p[i] -= g[i];
                }
                NativeFloats.put(p, m, params, from);
                for (int j = 0; j < k; j++) {
                    if (flush) {
                        TorchOptimizer.flushTiny(state[j], m);
                    }
                    NativeFloats.put(state[j], m, stateBase, j * s.blockLength() + (from - s.blockStart()));
                }
            }
        }
    }

    /** params −= grads over a segment whose gradients are updates already (batch norm's running statistics). */
    private void subtractAsIs(FloatPointer params, FloatPointer grads, Segment s) {
        for (long from = s.start(); from < s.end(); from += CHUNK) {
            int m = (int) Math.min(CHUNK, s.end() - from);
            NativeFloats.get(grads, from, g, m);
            NativeFloats.get(params, from, p, m);
            for (int i = 0; i < m; i++) {
                p[i] -= g[i];
            }
            NativeFloats.put(p, m, params, from);
        }
    }

    /** PyTorch's clip_grad_norm_ coefficient, as {@link GlobalNormClipping} computes it, or 1. */
    private float clipCoefficient(FloatPointer grads, float batch) {
        double squares = 0;
        for (Segment s : segments) {
            if (s.optimizer() == null) {
                continue; // not a gradient: left out of the norm, as DL4J leaves it out of the minibatch division
            }
            for (long from = s.start(); from < s.end(); from += CHUNK) {
                int m = (int) Math.min(CHUNK, s.end() - from);
                NativeFloats.get(grads, from, g, m);
                for (int i = 0; i < m; i++) {
                    float v = g[i] / batch;
                    squares += (double) v * v;
                }
            }
        }
        double coefficient = maxNorm / (Math.sqrt(squares) + 1e-6);
        return coefficient < 1 ? (float) coefficient : 1f;
    }
}
