package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Batch normalisation as DL4J's {@code BatchNormalization} computes it (γ and β learned, a running
 * variance rather than log-std), on flat values or NCHW images: each feature, a value or a channel
 * over its positions, is normalised by the minibatch's mean and biased variance in training and by
 * the running estimates in inference, then scaled by γ and shifted by β. Like DL4J, the running mean
 * and variance move toward the minibatch's through "gradients" (running − minibatch)·(1 − decay),
 * which the updater subtracts as they are, so averaged workers average them too.
 */
final class BatchNormStage extends Stage {
    private final int features;
    private final int positions; // values per feature and example: 1 for flat values
    private final long gamma; // offsets in the flat parameter and gradient arrays
    private final long beta;
    private final long mean;
    private final long var;
    private final float eps;
    private final float rate; // 1 − decay
    private final float[] row;
    private final double[] sums;
    private final double[] sums2;
    private final double[] sums3;
    private final float[] mu; // the minibatch's mean (or the running one in inference)
    private final float[] sigma2; // its variance
    private final float[] std;
    private final float[] g;
    private final float[] b;
    private final float[] delta;
    private final float[] dGamma;
    private final float[] dBeta;
    private final float[] dVar; // dL/dσ², times 2/count
    private final float[] dMu; // dL/dμ, over count
    private final float[] running;

    BatchNormStage(int features, int positions, long gamma, long beta, long mean, long var, double eps, double decay) {
        super(features * positions, features * positions);
        this.features = features;
        this.positions = positions;
        this.gamma = gamma;
        this.beta = beta;
        this.mean = mean;
        this.var = var;
        this.eps = (float) eps;
        this.rate = (float) (1 - decay);
        this.row = new float[in];
        this.sums = new double[features];
        this.sums2 = new double[features];
        this.sums3 = new double[features];
        this.mu = new float[features];
        this.sigma2 = new float[features];
        this.std = new float[features];
        this.g = new float[features];
        this.b = new float[features];
        this.delta = new float[in];
        this.dGamma = new float[features];
        this.dBeta = new float[features];
        this.dVar = new float[features];
        this.dMu = new float[features];
        this.running = new float[features];
    }

    /** Adds each feature's values in {@link #row} to {@code into}, minus {@code shift} when given. */
    private void addPerFeature(double[] into, float[] shift, boolean squared) {
        for (int c = 0; c < features; c++) {
            double s = 0;
            float m = shift == null ? 0f : shift[c];
            for (int p = c * positions, end = p + positions; p < end; p++) {
                double d = row[p] - m;
                s += squared ? d * d : d;
            }
            into[c] += s;
        }
    }

    @Override
    void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        if (training) {
            double count = (double) examples * positions;
            Arrays.fill(sums, 0);
            Arrays.fill(sums2, 0);
            for (int n = 0; n < examples; n++) {
                xValues.get(n * in, row, 0, in);
                addPerFeature(sums, null, false);
            }
            for (int c = 0; c < features; c++) {
                mu[c] = (float) (sums[c] / count);
            }
            for (int n = 0; n < examples; n++) {
                xValues.get(n * in, row, 0, in);
                addPerFeature(sums2, mu, true);
            }
            for (int c = 0; c < features; c++) {
                sigma2[c] = (float) (sums2[c] / count);
            }
        } else {
            NativeFloats.get(params, mean, mu, features);
            NativeFloats.get(params, var, sigma2, features);
        }
        for (int c = 0; c < features; c++) {
            std[c] = (float) Math.sqrt(sigma2[c] + eps);
        }
        NativeFloats.get(params, gamma, g, features);
        NativeFloats.get(params, beta, b, features);
        for (int n = 0; n < examples; n++) {
            xValues.get(n * in, row, 0, in);
            for (int c = 0; c < features; c++) {
                float m = mu[c];
                float s = std[c];
                float gc = g[c];
                float bc = b[c];
                for (int p = c * positions, end = p + positions; p < end; p++) {
                    row[p] = (row[p] - m) / s * gc + bc;
                }
            }
            output.put(n * in, row, 0, in);
        }
    }

    @Override
    boolean backward(FloatPointer x, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        FloatBuffer d = deltas.out;
        // Per feature: Σ δ, Σ δ·x̂ (γ's gradient), Σ δ·(x − μ); Σ (x − μ) is 0 up to rounding
        Arrays.fill(sums, 0);
        Arrays.fill(sums2, 0);
        Arrays.fill(sums3, 0);
        for (int n = 0; n < examples; n++) {
            d.get(n * in, delta, 0, in);
            xValues.get(n * in, row, 0, in);
            for (int c = 0; c < features; c++) {
                float m = mu[c];
                double s1 = 0;
                double s2 = 0;
                for (int p = c * positions, end = p + positions; p < end; p++) {
                    s1 += delta[p];
                    s2 += (double) delta[p] * (row[p] - m);
                }
                sums[c] += s1;
                sums2[c] += s2;
            }
            addPerFeature(sums3, mu, false);
        }
        float count = (float) examples * positions;
        for (int c = 0; c < features; c++) {
            float s = std[c];
            dBeta[c] = (float) sums[c];
            dGamma[c] = (float) (sums2[c] / s);
            // With dx̂ = δ·γ: dL/dσ² = Σ dx̂·(x − μ) · −½σ⁻³; dL/dμ = −Σ dx̂ / σ + Σ (x − μ) · −2/count · dL/dσ²
            float dLdVar = (float) (g[c] * sums2[c] * -0.5 / ((double) s * s * s));
            float dLdMu = (float) (-(g[c] * sums[c]) / s + sums3[c] * (-2.0 / count) * dLdVar);
            dVar[c] = dLdVar * (2f / count);
            dMu[c] = dLdMu / count;
        }
        NativeFloats.put(dGamma, features, grads, gamma);
        NativeFloats.put(dBeta, features, grads, beta);
        NativeFloats.get(params, mean, running, features);
        for (int c = 0; c < features; c++) {
            running[c] = (running[c] - mu[c]) * rate;
        }
        NativeFloats.put(running, features, grads, mean);
        NativeFloats.get(params, var, running, features);
        for (int c = 0; c < features; c++) {
            running[c] = (running[c] - sigma2[c]) * rate;
        }
        NativeFloats.put(running, features, grads, var);
        if (!inputGradient) {
            return false;
        }
        // dL/dx = dx̂/σ + (x − μ)·dL/dσ²·2/count + dL/dμ/count, in place of δ
        for (int n = 0; n < examples; n++) {
            d.get(n * in, delta, 0, in);
            xValues.get(n * in, row, 0, in);
            for (int c = 0; c < features; c++) {
                float m = mu[c];
                float gs = g[c] / std[c];
                float v = dVar[c];
                float u = dMu[c];
                for (int p = c * positions, end = p + positions; p < end; p++) {
                    delta[p] = delta[p] * gs + (row[p] - m) * v + u;
                }
            }
            d.put(n * in, delta, 0, in);
        }
        return false;
    }
}
