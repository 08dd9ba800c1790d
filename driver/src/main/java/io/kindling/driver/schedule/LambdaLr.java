package io.kindling.driver.schedule;

/**
 * LambdaLR: {@code lr · f(epoch)} for an arithmetic expression f of {@code epoch}, which is PyTorch's
 * {@code last_epoch} (0 for the first epoch), e.g. {@code 0.95^epoch}.
 */
public record LambdaLr(double initialLr, String expression) implements LrSchedule {
    public LambdaLr {
        Expression.parse(expression); // fails early with the position of a mistake
    }

    @Override
    public double lr(int epoch) {
        return initialLr * factor(epoch);
    }

    private double factor(int epoch) {
        return Expression.parse(expression).valueAt(epoch - 1);
    }

    @Override
    public LambdaLr withLrAt(int epoch, double lr) {
        double f = factor(epoch);
        return new LambdaLr(f == 0 ? lr : lr / f, expression);
    }
}
