package io.kindling.driver.train;

import java.util.Locale;

/**
 * The training loss became NaN or infinite: the job stops at once, before the epoch is evaluated,
 * checkpointed or ranked, naming where it happened.
 */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingDiverged(int epoch, long step, double loss) {
        super(String.format(Locale.ROOT, "epoch %d, step %d: the training loss is %s; stopping (the last"
                + " checkpoint, if any, is from before it): lower --lr, or clip gradients with --clip-grad-norm",
                epoch, step, loss));
    }

    /** A listener that stops the job on the first round whose loss is not finite, then passes rounds on. */
    static RoundListener watching(RoundListener next) {
        return new RoundListener() {
            @Override
            public void onRound(int epoch, RoundStats round) {
                if (!Double.isFinite(round.lossSum())) {
                    throw new TrainingDiverged(epoch, round.epochMinibatches(), round.lossSum());
                }
                next.onRound(epoch, round);
            }

            @Override
            public void onRetry(int epoch, int first, int end, String reason, int attempt, int attempts) {
                next.onRetry(epoch, first, end, reason, attempt, attempts);
            }

            @Override
            public void onTrained(int epoch, int[] indices) {
                next.onTrained(epoch, indices);
            }
        };
    }
}
