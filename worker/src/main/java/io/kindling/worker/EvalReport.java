package io.kindling.worker;

import java.io.Serializable;

/** An evaluation's totals and, for {@code kindling evaluate}, its confusion matrix (else null). */
public record EvalReport(EvalStats stats, ConfusionMatrix confusion) implements Serializable {
    public EvalReport plus(EvalReport other) {
        ConfusionMatrix sum = confusion == null ? other.confusion
                : other.confusion == null ? confusion : confusion.plus(other.confusion);
        return new EvalReport(stats.plus(other.stats), sum);
    }
}
