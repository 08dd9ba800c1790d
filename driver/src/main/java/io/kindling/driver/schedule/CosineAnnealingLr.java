package io.kindling.driver.schedule;

/**
 * CosineAnnealingLR (PyTorch's closed form):
 * {@code eta_min + (lr − eta_min) · (1 + cos(π · last_epoch / T_max)) / 2}.
 */
public record CosineAnnealingLr(double initialLr, int tMax, double etaMin) implements LrSchedule {
    public CosineAnnealingLr {
        if (tMax < 1) {
            throw new IllegalArgumentException("--t-max " + tMax + ": expected an integer >= 1");
        }
    }

    @Override
    public double lr(int epoch) {
        return etaMin + (initialLr - etaMin) * cosine(epoch);
    }

    private double cosine(int epoch) {
        return (1 + Math.cos(Math.PI * (epoch - 1) / tMax)) / 2;
    }

    @Override
    public CosineAnnealingLr withLrAt(int epoch, double lr) {
        double c = cosine(epoch);
        return new CosineAnnealingLr(c < 1e-12 ? lr : etaMin + (lr - etaMin) / c, tMax, etaMin);
    }
}
