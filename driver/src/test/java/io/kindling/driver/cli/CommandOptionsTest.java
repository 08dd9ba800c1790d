package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kindling.driver.Main;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's options come from one declaration per name, classified for --resume and documented. */
class CommandOptionsTest {
    private static final Set<String> STANDARD = Set.of("--help", "--version");

    private static CommandLine launcher() {
        CommandLine line = new CommandLine(new Main());
        CommandOptions.declare(line);
        return line;
    }

    /** Every option of every command, by command path. */
    private static Map<String, List<OptionSpec>> allOptions(CommandLine line, String path, Map<String, List<OptionSpec>> into) {
        into.put(path, line.getCommandSpec().options().stream().filter(o -> !STANDARD.contains(o.longestName())).toList());
        line.getSubcommands().forEach((name, sub) -> allOptions(sub, path + " " + name, into));
        return into;
    }

    @Test
    void everyOptionOfTrainIsDeclaredAndClassifiedForResume() {
        CommandLine train = launcher().getSubcommands().get("train");
        Map<String, JobOption<?>> declared = JobOptions.ALL.stream()
                .collect(Collectors.toMap(JobOption::name, o -> o));
        for (OptionSpec option : train.getCommandSpec().options()) {
            if (STANDARD.contains(option.longestName())) {
                continue;
            }
            // A declaration cannot be made without a --resume class (JobOptionsTest): declared is classified.
            if (!declared.containsKey(option.longestName()) || option.userObject() != null) {
                fail(option.longestName() + ": an option of `kindling train` must be declared in JobOptions, with"
                        + " its meaning, default and --resume class");
            }
        }
        assertEquals(JobOptions.TRAIN.size(), train.getCommandSpec().options().size() - STANDARD.size());
    }

    @Test
    void aNameMeansOneThingInEveryCommand() {
        Map<String, String> declaredBy = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        Set<String> jobOptions = JobOptions.ALL.stream().map(JobOption::name).collect(Collectors.toSet());
        allOptions(launcher(), "kindling", new HashMap<>()).forEach((command, options) -> {
            for (OptionSpec option : options) {
                String name = option.longestName();
                // A declared option is added by its declaration; any other is a command's own field.
                boolean declared = jobOptions.contains(name) && option.userObject() == null;
                String owner = declared ? "JobOptions" : command;
                String before = declaredBy.putIfAbsent(name, owner);
                if (before != null && !before.equals(owner)) {
                    clashes.add(name + " in " + before + " and " + owner);
                }
            }
        });
        assertEquals(List.of(), clashes, "one declaration per option name");
    }

    @Test
    void theReadmeTableOfTrainsOptionsIsTheDeclarations() throws IOException {
        String expected = OptionTable.markdown(JobOptions.TRAIN);
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String begin = "<!-- train options: written from JobOptions.TRAIN by OptionTable; CommandOptionsTest checks it -->\n";
        String end = "<!-- end of train options -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertTrue(from >= 0 && to > from, "README.md has the train options' markers");
        String actual = readme.substring(from + begin.length(), to);
        if (!actual.equals(expected)) {
            Path written = Path.of("target", "train-options.md");
            Files.writeString(written, expected, StandardCharsets.UTF_8);
            fail("README.md's train options differ from the declarations; the table to paste is in " + written);
        }
    }

    @Test
    void anOptionNotGivenReadsAsItsDeclaredDefault() {
        CommandLine launcher = launcher();
        launcher.parseArgs("train");
        CommandLine train = launcher.getSubcommands().get("train");
        for (JobOption<?> option : JobOptions.TRAIN) {
            Object value = CommandOptions.value(train.getCommandSpec(), option);
            Object expected = option.defaultValue();
            if (expected == null && option.form() == JobOption.Form.FLAG) {
                expected = false;
            } else if (expected == null && (option.form() == JobOption.Form.LIST
                    || option.form() == JobOption.Form.REPEATED)) {
                expected = List.of();
            }
            assertEquals(expected, value, option.name());
        }
    }

    private static String description(CommandLine launcher, String command, String option) {
        return String.join(" ", launcher.getSubcommands().get(command).getCommandSpec().findOption(option)
                .description());
    }

    @Test
    void commandsWhoseDefaultsDifferFromTrainSayTheirOwn() {
        CommandLine launcher = launcher();
        assertTrue(description(launcher, "evaluate", "--data-dir").endsWith("(default: the training job's)."));
        assertTrue(description(launcher, "evaluate", "--test-data").endsWith("(default: the training job's)."));
        assertTrue(description(launcher, "benchmark", "--master").endsWith("(default: local[2])."));
        assertTrue(description(launcher, "benchmark", "--workers").endsWith("(default: 2)."));
        assertTrue(description(launcher, "predict", "--test-batch-size").endsWith("(default: 256)."));
        assertTrue(description(launcher, "train", "--test-batch-size").endsWith("(default: 1000)."));
        assertTrue(description(launcher, "train", "--loss").startsWith("nll (on log-softmax)"),
                "a value starting a description is not capitalised");

        launcher.parseArgs("predict", "--saved-model", "m.zip", "--test-batch-size", "64", "x.png");
        assertEquals(64, CommandOptions.value(launcher.getSubcommands().get("predict").getCommandSpec(),
                JobOptions.TEST_BATCH_SIZE));
        CommandLine.ParameterException zero = assertThrows(CommandLine.ParameterException.class, () -> {
            CommandLine again = launcher();
            again.parseArgs("predict", "--saved-model", "m.zip", "--test-batch-size", "0", "x.png");
            CommandOptions.value(again.getSubcommands().get("predict").getCommandSpec(), JobOptions.TEST_BATCH_SIZE);
        });
        assertEquals("--test-batch-size 0: expected an integer >= 1", zero.getMessage());
        CommandLine.MissingParameterException noOutput = assertThrows(CommandLine.MissingParameterException.class,
                () -> launcher().parseArgs("checkpoints", "export", "ckpt"));
        assertTrue(noOutput.getMessage().contains("--output"), noOutput.getMessage());
    }
}
