package io.kindling.worker;

import java.io.Serializable;

/**
 * Counts of (true class, predicted class) pairs, summable across workers, with the per-class
 * precision, recall and F1 that scikit-learn's {@code classification_report} prints. A class never
 * predicted has precision 0, one never present recall 0, as scikit-learn's zero_division=0.
 */
public final class ConfusionMatrix implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private final long[] counts;

    public ConfusionMatrix(int classes) {
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    public int classes() {
        return classes;
    }

    public void add(int actual, int predicted) {
        counts[actual * classes + predicted]++;
    }

    /** This matrix with {@code other}'s counts added; both must have the same classes. */
    public ConfusionMatrix plus(ConfusionMatrix other) {
        ConfusionMatrix sum = new ConfusionMatrix(classes);
        for (int i = 0; i < counts.length; i++) {
            sum.counts[i] = counts[i] + other.counts[i];
        }
        return sum;
    }

    public long count(int actual, int predicted) {
        return counts[actual * classes + predicted];
    }

    /** Examples whose true class is {@code c}. */
    public long support(int c) {
        long n = 0;
        for (int p = 0; p < classes; p++) {
            n += count(c, p);
        }
        return n;
    }

    public long predicted(int c) {
        long n = 0;
        for (int a = 0; a < classes; a++) {
            n += count(a, c);
        }
        return n;
    }

    public long total() {
        long n = 0;
        for (long count : counts) {
            n += count;
        }
        return n;
    }

    public long correct() {
        long n = 0;
        for (int c = 0; c < classes; c++) {
            n += count(c, c);
        }
        return n;
    }

    public double precision(int c) {
        long predicted = predicted(c);
        return predicted == 0 ? 0 : (double) count(c, c) / predicted;
    }

    public double recall(int c) {
        long support = support(c);
        return support == 0 ? 0 : (double) count(c, c) / support;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
