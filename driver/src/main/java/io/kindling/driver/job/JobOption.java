package io.kindling.driver.job;

import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option of a job, declared once: its name, meaning, default, whether it may change when a job
 * resumes, which values are valid, and where it lives in a {@link JobSpec}. The command line, the
 * resume policy, the README's option tables and the job spec's defaults and checks all come from these
 * declarations ({@link JobOptions}), whichever door a value came in by. Rules that tie several options
 * together (`--nesterov` needs `sgd`) stay with the spec records that hold them.
 *
 * @param <T> the value's type: Integer, Long, Double, Boolean, String or a List of Integer or String
 */
public final class JobOption<T> {
    /** What `--resume` does with an option given on its command line. */
    public enum Resume {
        /** The new value applies to the resumed job (how long to train, where outputs go, ...). */
        CHANGEABLE,
        /** The value must be the checkpoint's: a resumed job continues the same training. */
        FIXED,
        /** Belongs to one run of a command and is never saved (the Spark master, --resume itself). */
        RUN
    }

    /** How the option takes its value on a command line. */
    public enum Form {
        /** A value, such as {@code --epochs 14}. */
        VALUE,
        /** A flag without a value, off by default ({@code --dry-run}). */
        FLAG,
        /** On by default, turned off by its {@code --no-} form ({@code --no-download}). */
        SWITCH,
        /** Comma-separated values ({@code --hidden 256,128}). */
        LIST,
        /** Given once per value ({@code --mirror A --mirror B}). */
        REPEATED
    }

    private final String name;
    private final Class<?> type;
    private final Form form;
    private final String label;
    private final T defaultValue;
    private final String defaultText;
    private final String meaning;
    private final Resume resume;
    private final Predicate<T> valid;
    private final String expected;
    private final BiConsumer<JobSpec.Builder, T> apply;
    private final Function<JobSpec, T> read;
    private final boolean required;

    JobOption(String name, Class<?> type, Form form, String label, T defaultValue, String defaultText, String meaning,
              Resume resume, Predicate<T> valid, String expected, BiConsumer<JobSpec.Builder, T> apply,
              Function<JobSpec, T> read, boolean required) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.form = Objects.requireNonNull(form);
        this.label = label;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.meaning = Objects.requireNonNull(meaning);
        this.resume = Objects.requireNonNull(resume, name + ": not classified for --resume");
        this.valid = valid;
        this.expected = expected;
        this.apply = apply;
        this.read = read;
        this.required = required;
        if (resume != Resume.RUN && (apply == null || read == null)) {
            throw new IllegalArgumentException(name + ": a saved option needs its place in the job spec");
        }
    }

    /**
     * This option as a command whose default differs from `train`'s takes it: the same meaning,
     * checks and place in the spec, another default.
     */
    public JobOption<T> withDefault(T value, String text) {
        return new JobOption<>(name, type, form, label, value, text, meaning, resume, valid, expected, apply, read,
                required);
    }

    /** This option as a command that cannot run without it takes it. */
    public JobOption<T> required() {
        return new JobOption<>(name, type, form, label, defaultValue, defaultText, meaning, resume, valid, expected,
                apply, read, true);
    }

    /** Whether the command taking it must be given it. */
    public boolean isRequired() {
        return required;
    }

    /** The long name, such as {@code --epochs}. */
    public String name() {
        return name;
    }

    /** The value's class; for lists, the element's. */
    public Class<?> type() {
        return type;
    }

    public Form form() {
        return form;
    }

    /** The placeholder in help texts ({@code N}, {@code URI}), or null for the name's own. */
    public String label() {
        return label;
    }

    /** The value when the option is not given; null when it has none (the job then decides). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as the documentation states it. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        if (defaultValue == null || form == Form.FLAG) {
            return "";
        }
        if (defaultValue instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return form == Form.SWITCH ? ((Boolean) defaultValue ? "on" : "off") : String.valueOf(defaultValue);
    }

    /** What it does, one or two sentences. */
    public String meaning() {
        return meaning;
    }

    /** What a valid value is, as errors say it ({@code expected an integer >= 1}); null when any is. */
    public String expected() {
        return expected;
    }

    public Resume resume() {
        return resume;
    }

    /** Whether the option is part of a job spec (saved with checkpoints), not just of one run. */
    public boolean saved() {
        return resume != Resume.RUN;
    }

    /** {@code value}, or an error naming the option, the value and what was expected; null means not set. */
    public T check(T value) {
        if (value != null && valid != null && !valid.test(value)) {
            throw new IllegalArgumentException(name + " " + value + ": " + expected);
        }
        return value;
    }

    /** Checks the option's value in {@code spec}. */
    public void checkIn(JobSpec spec) {
        check(read(spec));
    }

    /** Puts {@code value} into the spec being built. */
    public void apply(JobSpec.Builder builder, T value) {
        apply.accept(builder, value);
    }

    /** Puts a value of unknown static type, as a command line gives it, into the spec being built. */
    @SuppressWarnings("unchecked")
    public void applyParsed(JobSpec.Builder builder, Object value) {
        apply.accept(builder, (T) value);
    }

    /** The option's value in {@code spec}, in the form the option takes. */
    public T read(JobSpec spec) {
        return read.apply(spec);
    }

    @Override
    public String toString() {
        return name;
    }
}
