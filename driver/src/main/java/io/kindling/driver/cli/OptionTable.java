package io.kindling.driver.cli;

import io.kindling.driver.job.JobOption;
import java.util.List;

/** The README's table of a command's options, written from their declarations. */
public final class OptionTable {
    private OptionTable() {
    }

    /**
     * A Markdown table: the option as it is typed, its default, its meaning, and what `--resume` does
     * with it, one row each.
     */
    public static String markdown(List<JobOption<?>> options) {
        StringBuilder table = new StringBuilder("| option | default | meaning | on `--resume` |\n|---|---|---|---|\n");
        for (JobOption<?> option : options) {
            String usage = switch (option.form()) {
                case FLAG -> option.name();
                case SWITCH -> "--[no-]" + option.name().substring(2);
                default -> option.name() + " " + (option.label() != null ? option.label() : "VALUE");
            };
            String defaultText = option.form() == JobOption.Form.FLAG ? "off" : option.defaultText();
            if (!defaultText.isEmpty() && !defaultText.contains("`") && !defaultText.contains(" ")) {
                defaultText = "`" + defaultText + "`";
            }
            table.append("| `").append(cell(usage)).append("` | ").append(cell(defaultText)).append(" | ")
                    .append(cell(option.meaning())).append(" | ").append(switch (option.resume()) {
                        case CHANGEABLE -> "may change";
                        case FIXED -> "must match";
                        case RUN -> "this run";
                    }).append(" |\n");
        }
        return table.toString();
    }

    /** A table cell's text: a pipe would end the cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
