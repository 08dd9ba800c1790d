package io.kindling.ml;

import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import scala.Function1;

/**
 * A Spark ML param made from one of `kindling train`'s options ({@link JobOption}): the option's name in
 * camel case ({@code --batch-size} is {@code batchSize}), its meaning as the doc, its default, and its
 * check as the validator. The values go into the job spec the same way the command line's do.
 *
 * @param param  the Spark param, owned by an estimator
 * @param option the option it stands for
 */
record OptionParam(Param<?> param, JobOption<?> option) {

    /** The param of {@code option} for {@code owner}, of the Spark type of the option's values. */
    static OptionParam of(Params owner, JobOption<?> option) {
        String name = camelCase(option.name());
        String doc = option.meaning().replace("`", "") + (option.expected() == null ? ""
                : " (" + option.expected() + ")");
        Function1<Object, Object> valid = v -> valid(option, v);
        Class<?> type = option.type();
        boolean list = option.form() == JobOption.Form.LIST || option.form() == JobOption.Form.REPEATED;
        Param<?> param;
        if (list && type == Integer.class) {
            param = new IntArrayParam(owner, name, doc, v -> valid(option, v));
        } else if (list) {
            param = new StringArrayParam(owner, name, doc, v -> valid(option, v));
        } else if (type == Integer.class) {
            param = new IntParam(owner, name, doc, valid);
        } else if (type == Long.class) {
            param = new LongParam(owner, name, doc, valid);
        } else if (type == Double.class) {
            param = new DoubleParam(owner, name, doc, valid);
        } else if (type == Boolean.class) {
            param = new BooleanParam(owner.uid(), name, doc);
        } else {
            param = new Param<String>(owner, name, doc, v -> valid(option, v));
        }
        return new OptionParam(param, option);
    }

    /** {@code --batch-size} as {@code batchSize}. */
    static String camelCase(String option) {
        String[] words = option.replaceFirst("^--", "").split("-");
        StringBuilder s = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            s.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(words[i].substring(1));
        }
        return s.toString();
    }

    /** The option's default as the param holds it, or null when the option has none. */
    Object defaultValue() {
        Object value = option.defaultValue();
        if (value instanceof List<?> list) {
            return option.type() == Integer.class ? list.stream().mapToInt(v -> (Integer) v).toArray()
                    : list.toArray(new String[0]);
        }
        return value;
    }

    /** A value of the param as the option takes it: arrays become lists. */
    static Object toOption(Object value) {
        if (value instanceof int[] ints) {
            return Arrays.stream(ints).boxed().toList();
        }
        if (value instanceof String[] strings) {
            return List.of(strings);
        }
        return value;
    }

    /** {@code value} checked by the option, or an error naming the param and what is expected. */
    Object checked(Object value) {
        if (!valid(option, value)) {
            throw new IllegalArgumentException(param.name() + " " + text(value) + ": " + option.expected());
        }
        return value;
    }

    /** Puts the param's value into the spec being built. */
    void apply(JobSpec.Builder builder, Object value) {
        option.applyParsed(builder, toOption(value));
    }

    private static boolean valid(JobOption<?> option, Object value) {
        try {
            check(option, toOption(value));
            return true;
        } catch (IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void check(JobOption<T> option, Object value) {
        option.check((T) value);
    }

    private static String text(Object value) {
        Object v = toOption(value);
        return v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
    }
}
