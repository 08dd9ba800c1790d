package io.kindling.driver.train;

import io.kindling.worker.ConfusionMatrix;
import java.util.List;
import java.util.Locale;

/**
 * Per-class precision, recall, F1 and support laid out like scikit-learn's
 * {@code classification_report}, then the confusion matrix (rows: true class, columns: predicted).
 */
public final class ClassificationReport {
    private ClassificationReport() {
    }

    public static String format(ConfusionMatrix m, List<String> classes) {
        int nameWidth = 12;
        for (String c : classes) {
            nameWidth = Math.max(nameWidth, c.length());
        }
        String row = "%" + nameWidth + "s %10s %10s %10s %10s%n";
        String values = "%" + nameWidth + "s %10.4f %10.4f %10.4f %10d%n";
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, row, "", "precision", "recall", "f1-score", "support")).append('\n');
        double macroP = 0;
        double macroR = 0;
        double macroF = 0;
        double weightedP = 0;
        double weightedR = 0;
        double weightedF = 0;
        long total = m.total();
        for (int c = 0; c < m.classes(); c++) {
            long support = m.support(c);
            s.append(String.format(Locale.ROOT, values, classes.get(c), m.precision(c), m.recall(c), m.f1(c), support));
            macroP += m.precision(c) / m.classes();
            macroR += m.recall(c) / m.classes();
            macroF += m.f1(c) / m.classes();
            double weight = total == 0 ? 0 : (double) support / total;
            weightedP += m.precision(c) * weight;
            weightedR += m.recall(c) * weight;
            weightedF += m.f1(c) * weight;
        }
        s.append('\n');
        s.append(String.format(Locale.ROOT, "%" + nameWidth + "s %10s %10s %10.4f %10d%n", "accuracy", "", "",
                total == 0 ? 0.0 : (double) m.correct() / total, total));
        s.append(String.format(Locale.ROOT, values, "macro avg", macroP, macroR, macroF, total));
        s.append(String.format(Locale.ROOT, values, "weighted avg", weightedP, weightedR, weightedF, total));
        s.append('\n').append(confusion(m, classes));
        return s.toString();
    }

    /** Columns are class indices, so wide class names do not stretch the matrix; rows name the class too. */
    static String confusion(ConfusionMatrix m, List<String> classes) {
        int width = String.valueOf(m.classes() - 1).length();
        for (int a = 0; a < m.classes(); a++) {
            for (int p = 0; p < m.classes(); p++) {
                width = Math.max(width, String.valueOf(m.count(a, p)).length());
            }
        }
        boolean named = !classes.equals(io.kindling.datasets.DatasetInfo.numbered(m.classes()));
        int labelWidth = String.valueOf(m.classes() - 1).length();
        int nameWidth = 0;
        if (named) {
            for (String c : classes) {
                nameWidth = Math.max(nameWidth, c.length());
            }
        }
        StringBuilder s = new StringBuilder("Confusion matrix (rows: true class, columns: predicted class):\n");
        String prefix = " ".repeat(labelWidth + (named ? nameWidth + 1 : 0));
        s.append(prefix);
        for (int p = 0; p < m.classes(); p++) {
            s.append(' ').append(pad(String.valueOf(p), width));
        }
        s.append('\n');
        for (int a = 0; a < m.classes(); a++) {
            s.append(pad(String.valueOf(a), labelWidth));
            if (named) {
                s.append(' ').append(classes.get(a)).append(" ".repeat(nameWidth - classes.get(a).length()));
            }
            for (int p = 0; p < m.classes(); p++) {
                s.append(' ').append(pad(String.valueOf(m.count(a, p)), width));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static String pad(String text, int width) {
        return " ".repeat(Math.max(0, width - text.length())) + text;
    }
}
