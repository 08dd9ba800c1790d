package io.kindling.driver.cli;

import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobSpec;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The declared options ({@link io.kindling.driver.job.JobOptions}) on a picocli command: each becomes
 * an option of the command with its declared meaning and default, and its value is read back in the
 * declared type. Commands list the options they take ({@link TakesOptions}); the launcher declares
 * them before parsing.
 */
public final class CommandOptions {
    private CommandOptions() {
    }

    /** A command that takes declared options. */
    public interface TakesOptions {
        List<JobOption<?>> options();
    }

    /** Declares {@code options} on {@code command} and on every subcommand that takes some, recursively. */
    public static void declare(CommandLine command) {
        if (command.getCommand() instanceof TakesOptions taking) {
            for (JobOption<?> option : taking.options()) {
                command.getCommandSpec().addOption(toPicocli(option));
            }
        }
        command.getSubcommands().values().forEach(CommandOptions::declare);
    }

    static OptionSpec toPicocli(JobOption<?> option) {
        OptionSpec.Builder b = OptionSpec.builder(option.name()).description(description(option));
        switch (option.form()) {
            case FLAG -> b.type(boolean.class).defaultValue("false").arity("0");
            case SWITCH -> b.type(boolean.class).negatable(true).defaultValue(String.valueOf(option.defaultValue()))
                    .fallbackValue("true").arity("0");
            case VALUE -> {
                b.type(option.type());
                if (option.defaultValue() != null) {
                    b.defaultValue(String.valueOf(option.defaultValue()));
                }
            }
            case LIST, REPEATED -> {
                b.type(List.class).auxiliaryTypes(option.type());
                if (option.form() == JobOption.Form.LIST) {
                    b.splitRegex(",");
                }
                if (option.defaultValue() instanceof List<?> list && !list.isEmpty()) {
                    b.defaultValue(String.join(",", list.stream().map(String::valueOf).toList()));
                }
            }
            default -> throw new IllegalStateException(option.form().toString());
        }
        if (option.label() != null) {
            b.paramLabel(option.label());
        }
        return b.required(option.isRequired()).build();
    }

    private static String description(JobOption<?> option) {
        String meaning = option.meaning().replace("`", "");
        String defaultText = option.defaultText().replace("`", "");
        // Capitalised as a sentence, unless it starts with a value (`mnist`, `nll`) that is typed as written.
        String sentence = option.meaning().startsWith("`") ? meaning
                : Character.toUpperCase(meaning.charAt(0)) + meaning.substring(1);
        return sentence + (defaultText.isEmpty() ? "." : " (default: " + defaultText + ").");
    }

    /**
     * The value {@code command} parsed for {@code option}: given, or its default; empty for a list not
     * given. A value the option's checks reject is a usage error naming it.
     */
    @SuppressWarnings("unchecked")
    public static <T> T value(CommandSpec command, JobOption<T> option) {
        Object value = command.findOption(option.name()).getValue();
        if (value == null && (option.form() == JobOption.Form.LIST || option.form() == JobOption.Form.REPEATED)) {
            return (T) List.of();
        }
        try {
            return option.check((T) value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }

    /** Whether {@code option} was on the command line. */
    public static boolean given(CommandSpec command, JobOption<?> option) {
        return command.commandLine().getParseResult().hasMatchedOption(option.name());
    }

    /** Puts every saved option given on {@code command}'s line into {@code builder}. */
    public static JobSpec.Builder applyGiven(CommandSpec command, List<JobOption<?>> options, JobSpec.Builder builder) {
        for (JobOption<?> option : options) {
            if (option.saved() && given(command, option)) {
                option.applyParsed(builder, value(command, option));
            }
        }
        return builder;
    }
}
