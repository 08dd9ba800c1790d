package io.kindling.worker;

import java.io.Serializable;

/** Test-set totals: summed loss, correct predictions and examples seen. Summable across workers. */
public record EvalStats(double lossSum, long correct, long count) implements Serializable {
    public static final EvalStats ZERO = new EvalStats(0, 0, 0);

    public EvalStats plus(EvalStats o) {
        return new EvalStats(lossSum + o.lossSum, correct + o.correct, count + o.count);
    }

    public double averageLoss() {
        return count == 0 ? Double.NaN : lossSum / count;
    }

    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
