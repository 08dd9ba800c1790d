package io.kindling.driver.cli;

import io.kindling.datasets.DatasetFormatException;
import io.kindling.driver.data.fetch.FetchException;
import io.kindling.driver.train.TrainingDiverged;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns any failure into one line on stderr and a non-zero exit code. Errors raised inside Spark
 * tasks arrive wrapped in a SparkException; the user's problem (a bad record, a missing file) is the
 * innermost cause we raised, or, when Spark passed only the text, the line that names it.
 * KINDLING_DEBUG=1 in the environment adds the stack trace.
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler,
        CommandLine.IParameterExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorReporter.class);
    private static final Pattern TASK_FAILURE = Pattern.compile(
            "(?:io\\.kindling\\.[\\w.]+Exception|java\\.lang\\.IllegalArgumentException|java\\.io\\.UncheckedIOException): ([^\\n]+)");

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        LOG.debug("command failed", e);
        commandLine.getErr().println(prefix(commandLine) + ": error: " + describe(e));
        if (System.getenv("KINDLING_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + ": " + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return 2;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    /** The one-line description of a failure. */
    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatasetFormatException || t instanceof FetchException || t instanceof TrainingDiverged
                    || t instanceof IllegalArgumentException || t instanceof UncheckedIOException) {
                return firstLine(t.getMessage());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = TASK_FAILURE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return m.group(1);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + firstLine(String.valueOf(root.getMessage()));
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
