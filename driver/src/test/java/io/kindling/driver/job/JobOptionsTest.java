package io.kindling.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The declarations are the job spec's defaults, and every saved option goes in and out of a spec intact. */
class JobOptionsTest {
    @Test
    void aSpecOfDefaultsReadsBackEveryDeclaredDefault() {
        JobSpec defaults = JobSpec.builder().build();
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (option.saved() && option.defaultValue() != null) {
                assertEquals(option.defaultValue(), option.read(defaults), option.name());
            }
        }
        assertEquals(1.0, defaults.optimizer().lr(), "Adadelta's rate, left to the optimizer");
    }

    @Test
    void everySavedOptionSurvivesTheBuilder() {
        JobSpec spec = JobSpec.builder().modelFile("net.yaml").hidden(List.of(8)).loss("mse").dataset("csv")
                .dataDir("d").trainData(List.of("a.csv")).testData(List.of("b.csv")).csvHeader(false)
                .labelColumn("y").delimiter(";").regression(true).imageSize(4, 6).grayscale(true)
                .transforms("normalize(auto)").validationSplit(0.2).dropLast(true).cache("disk").skipBadRecords(true)
                .mirrors(List.of("m")).download(false).epochs(3).batchSize(32).testBatchSize(100).optimizer("sgd")
                .lr(0.5).momentum(0.9).nesterov(true).weightDecay(0.01).clipGradNorm(1).schedulerName("plateau")
                .gamma(0.5).stepSize(2).milestones(List.of(1, 2)).tMax(4).etaMin(0.01).plateauMetric("train_loss")
                .plateauMode("min").factor(0.5).patience(2).threshold(0.01).thresholdMode("abs").cooldown(1)
                .minLr(0.001).lrLambda("0.9^epoch").seed(7).logInterval(3).dryRun(true).saveModel("s")
                .limitTrain(100).limitTest(50).workers(3).averagingFrequency(2).optimizerState("local")
                .segmentSeconds(30).checkpointDir("c").keepLast(2).keepBest("train_loss").runDir("r").build();
        assertEquals(spec, spec.toBuilder().build());
        JobSpec.Builder copy = JobSpec.builder();
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (option.saved()) {
                option.applyParsed(copy, option.read(spec));
            }
        }
        assertEquals(spec, copy.build(), "each option's value in a spec puts it back");
        assertNotEquals(spec, JobSpec.builder().build());
    }

    @Test
    void everyCheckedOptionRejectsABadValueWithItsNameAndWhatItExpects() {
        assertRejected(JobSpec.builder().workers(-1), "--workers -1: expected an integer >= 0");
        assertRejected(JobSpec.builder().loss("hinge"), "--loss hinge: unknown, expected one of [nll, cross_entropy, mse]");
        assertRejected(JobSpec.builder().cache("ram"), "--cache ram: unknown, expected one of [memory, disk, none]");
        assertRejected(JobSpec.builder().validationSplit(1), "--validation-split 1.0: expected a fraction in [0, 1)");
        assertRejected(JobSpec.builder().delimiter(";;"), "--delimiter ;;: expected one character");
        assertRejected(JobSpec.builder().lr(-0.1), "--lr -0.1: expected a positive number");
        assertRejected(JobSpec.builder().optimizer("lbfgs"),
                "--optimizer lbfgs: unknown, expected one of [adadelta, adam, adamw, rmsprop, sgd]");
        assertRejected(JobSpec.builder().optimizer("sgd").momentum(1), "--momentum 1.0: expected a number in [0, 1)");
        assertRejected(JobSpec.builder().clipGradNorm(-1), "--clip-grad-norm -1.0: expected a number >= 0");
        assertRejected(JobSpec.builder().stepSize(0), "--step-size 0: expected an integer >= 1");
        assertRejected(JobSpec.builder().factor(1), "--factor 1.0: expected a number between 0 and 1");
        assertRejected(JobSpec.builder().plateauMode("up"), "--plateau-mode up: unknown, expected one of [min, max]");
        assertRejected(JobSpec.builder().limitTest(-5), "--limit-test -5: expected an integer >= 0");
        assertRejected(JobSpec.builder().keepBest("f1"), "--keep-best f1: unknown, expected none or one of "
                + Metric.NAMES);
        assertRejected(JobSpec.builder().imageSize(4, 0), "--image-size 4x0: expected HxW, such as 32x32");
    }

    private static void assertRejected(JobSpec.Builder builder, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, builder::build).getMessage());
    }

    @Test
    void noNumberOptionTakesNanOrAnInfinity() {
        for (JobOption<?> option : JobOptions.ALL) {
            if (option.type() != Double.class || option.form() != JobOption.Form.VALUE) {
                continue;
            }
            @SuppressWarnings("unchecked")
            JobOption<Double> number = (JobOption<Double>) option;
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> number.check(bad),
                        option.name() + " " + bad);
                assertEquals(option.name() + " " + bad + ": ", e.getMessage().substring(0,
                        option.name().length() + String.valueOf(bad).length() + 3));
            }
        }
    }

    @Test
    void optionsValuesAreCheckedByTheSpecWithTheOptionsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobSpec.builder().epochs(0).build());
        assertEquals("--epochs 0: expected an integer >= 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JobSpec.builder().segmentSeconds(-1).build());
        assertEquals("--segment-seconds -1.0: expected a number of seconds >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> JobOptions.IMAGE_SIZE.apply(JobSpec.builder(), "32 by 32"));
        assertEquals("--image-size 32 by 32: expected HxW, such as 32x32", e.getMessage());
    }

    @Test
    void theDefaultsAreThePytorchMnistExamples() {
        JobSpec d = JobSpec.builder().build();
        assertEquals(List.of(14, 64, 1000, 1L, 10), List.of(d.epochs(), d.batchSize(), d.testBatchSize(), d.seed(),
                d.logInterval()));
        assertEquals("adadelta", d.optimizer().name());
        assertEquals(1.0, d.optimizer().lr());
        assertEquals(List.of("step", 1, 0.7), List.of(d.scheduler().name(), d.scheduler().stepSize(),
                d.scheduler().gamma()));
        assertEquals("mnist-cnn", d.model());
    }

    @Test
    void anOptionCannotBeDeclaredWithoutItsResumeClass() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> new JobOption<Integer>("--x",
                Integer.class, JobOption.Form.VALUE, null, 1, null, "x", null, null, null, null, null, false));
        assertEquals("--x: not classified for --resume", e.getMessage());
    }
}
