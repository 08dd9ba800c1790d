package io.kindling.driver;

import io.kindling.driver.checkpoint.Versions;
import io.kindling.driver.cli.BenchmarkCommand;
import io.kindling.driver.cli.CheckpointsCommand;
import io.kindling.driver.cli.CommandOptions;
import io.kindling.driver.cli.DatasetsCommand;
import io.kindling.driver.cli.ErrorReporter;
import io.kindling.driver.cli.EvaluateCommand;
import io.kindling.driver.cli.ModelsCommand;
import io.kindling.driver.cli.PredictCommand;
import io.kindling.driver.cli.TrainCommand;
import io.kindling.worker.NativeSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code kindling train ...}, {@code kindling datasets fetch ...}. */
@Command(name = "kindling", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Distributed deep-learning training on Apache Spark with parameter averaging.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, CheckpointsCommand.class,
                ModelsCommand.class, DatasetsCommand.class, BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        int code = run(args);
        if ("cluster".equals(System.getProperty("spark.submit.deployMode"))) {
            // In YARN's application master main must return (or throw): System.exit would run the
            // shutdown hooks before the master reports the application's final status.
            if (code != 0) {
                throw new IllegalStateException("kindling " + String.join(" ", args) + ": exit code " + code);
            }
            return;
        }
        System.exit(code);
    }

    /** Runs a command and returns its exit code: 0 on success, 1 on an error, 2 on bad usage. */
    public static int run(String... args) {
        NativeSetup.apply(); // before anything loads ND4J
        CommandLine commandLine = new CommandLine(new Main());
        CommandOptions.declare(commandLine);
        ErrorReporter errors = new ErrorReporter();
        commandLine.setExecutionExceptionHandler(errors);
        commandLine.setParameterExceptionHandler(errors);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code kindling --version}: Kindling's and DL4J's versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Versions v = Versions.current(org.apache.spark.package$.MODULE$.SPARK_VERSION());
            return new String[] {"kindling " + v.kindling() + " (DL4J " + v.dl4j() + ", Spark " + v.spark()
                    + ", Java " + v.java() + ")"};
        }
    }
}
