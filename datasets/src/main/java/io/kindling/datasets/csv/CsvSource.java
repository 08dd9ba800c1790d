package io.kindling.datasets.csv;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A CSV file, or a directory of them, on any Hadoop FileSystem: one example per line, numeric
 * features and a label column. Files are split by Hadoop's line-aligned input splits, so large files
 * are read in parallel. For a classification the labels map to class indices in sorted order (numeric
 * order when every label is a number); the map comes from the training data and is reused for the test
 * data, and saved with the model.
 */
public final class CsvSource implements ExampleSource {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> files;
    private final CsvOptions options;
    private final int columns;
    private final int labelIndex;
    private final List<String> columnNames;
    private final List<String> classes;
    private final long bytes;

    private CsvSource(String name, List<String> files, CsvOptions options, int columns, int labelIndex,
                      List<String> columnNames, List<String> classes, long bytes) {
        this.name = name;
        this.files = files;
        this.options = options;
        this.columns = columns;
        this.labelIndex = labelIndex;
        this.columnNames = columnNames;
        this.classes = classes;
        this.bytes = bytes;
    }

    /** Reads the header (metadata) of a CSV file or directory; the classes are still unknown. Driver-side. */
    public static CsvSource open(String uri, CsvOptions options, Configuration conf) {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                throw new DatasetFormatException(uri + ": not found, expected a CSV file or a directory of them");
            }
            List<FileStatus> statuses = new ArrayList<>();
            if (fs.getFileStatus(path).isDirectory()) {
                for (FileStatus s : fs.listStatus(path)) {
                    String n = s.getPath().getName();
                    if (s.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
                        statuses.add(s);
                    }
                }
                statuses.sort(Comparator.comparing(s -> s.getPath().getName()));
            } else {
                statuses.add(fs.getFileStatus(path));
            }
            if (statuses.isEmpty()) {
                throw new DatasetFormatException(uri + ": no CSV files in the directory");
            }
            String first;
            boolean hasRow;
            int firstLine = options.skipRows() + 1;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    fs.open(statuses.get(0).getPath()), StandardCharsets.UTF_8))) {
                for (int i = 0; i < options.skipRows(); i++) {
                    reader.readLine();
                }
                first = withoutBom(reader.readLine(), options.skipRows() == 0);
                String next = reader.readLine();
                while (next != null && next.isBlank()) {
                    next = reader.readLine();
                }
                hasRow = next != null;
            }
            String firstFile = statuses.get(0).getPath().getName();
            if (first == null || first.isBlank()) {
                throw new DatasetFormatException(firstFile + ", line " + firstLine + ": empty, expected "
                        + (options.header() ? "a header" : "a row"));
            }
            if (options.header() && !hasRow && statuses.size() == 1) {
                throw new DatasetFormatException(firstFile + ": a header and no rows");
            }
            String[] fields = split(first, options.delimiter(), firstFile + ", line " + firstLine);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < fields.length; i++) {
                names.add(options.header() ? fields[i] : "column " + i);
            }
            int label = labelIndex(options, names, firstFile);
            if (fields.length < 2) {
                throw new DatasetFormatException(firstFile + ", line 1: " + fields.length
                        + " column, expected a label and at least one feature (delimiter '" + options.delimiter() + "')");
            }
            long total = statuses.stream().mapToLong(FileStatus::getLen).sum();
            List<String> files = statuses.stream().map(s -> s.getPath().toString()).toList();
            return new CsvSource("csv/" + path.getName(), files, options, fields.length, label, names, List.of(), total);
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int labelIndex(CsvOptions options, List<String> names, String file) {
        String column = options.labelColumn();
        if (column == null) {
            return names.size() - 1;
        }
        int byName = options.header() ? names.indexOf(column) : -1;
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(column);
            int resolved = index < 0 ? names.size() + index : index;
            if (resolved >= 0 && resolved < names.size()) {
                return resolved;
            }
        } catch (NumberFormatException ignored) {
            // not an index: reported below
        }
        throw new IllegalArgumentException("--label-column " + column + ": " + file + " has no such column, expected "
                + (options.header() ? "one of " + names + " or " : "") + "an index in 0.." + (names.size() - 1));
    }

    /**
     * This source with the class map of a classification, found in the data (training); {@code bad}
     * says whether bad lines fail the job or are passed over (counted by the pass that trains).
     */
    public CsvSource withClassesFromData(JavaSparkContext sc, int partitions, BadRecords bad) {
        if (options.regression()) {
            return this;
        }
        List<String> labels = lines(sc, partitions, bad.uncounted()).map(t -> CsvValues.label(t._2()[labelIndex]))
                .filter(label -> !label.isEmpty()).distinct().collect(); // an empty label is a bad record
        return withClasses(sorted(labels));
    }

    /** This source with a given class map (the training data's, for the test data). */
    public CsvSource withClasses(List<String> newClasses) {
        return new CsvSource(name, files, options, columns, labelIndex, columnNames, List.copyOf(newClasses), bytes);
    }

    /** Labels in numeric order when all are numbers, else in string order. */
    public static List<String> sorted(List<String> labels) {
        List<String> sorted = new ArrayList<>(labels);
        boolean numeric = sorted.stream().allMatch(CsvSource::isNumber);
        sorted.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return sorted;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DatasetInfo info() {
        return DatasetInfo.numeric(columns - 1, options.regression() ? List.of() : classes);
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** The feature columns' names, in feature order. */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>(columnNames);
        names.remove(labelIndex);
        return names;
    }

    @Override
    public JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad) {
        if (!options.regression() && classes.isEmpty()) {
            throw new IllegalStateException("the classes of " + name + " are not known yet");
        }
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        int label = labelIndex;
        boolean regression = options.regression();
        List<String> names = columnNames;
        List<String> known = classes;
        return lines(sc, partitions, bad).flatMap(t -> {
            String[] fields = t._2();
            String where = t._1();
            float[] values = new float[fields.length - 1];
            float target;
            try {
                if (regression) {
                    target = number(fields[label], names.get(label), where);
                } else {
                    String name = CsvValues.label(fields[label]);
                    if (name.isEmpty()) {
                        throw new DatasetFormatException(where + ": column '" + names.get(label) + "': empty label");
                    }
                    Integer c = classIndex.get(name);
                    if (c == null) {
                        throw new DatasetFormatException(where + ": label '" + fields[label]
                                + "' is not one of the training labels " + known);
                    }
                    target = c;
                }
                for (int i = 0, v = 0; i < fields.length; i++) {
                    if (i != label) {
                        values[v++] = number(fields[i], names.get(i), where);
                    }
                }
            } catch (DatasetFormatException e) {
                bad.handle(e);
                return java.util.Collections.emptyIterator();
            }
            return List.of(Example.numeric(0, target, values)).iterator();
        });
    }

    private static float number(String field, String column, String where) {
        Float value = CsvValues.number(field);
        if (value == null) {
            throw new DatasetFormatException(where + ": column '" + column + "': '" + field + "' is not a finite"
                    + " decimal number");
        }
        return value;
    }

    /** Every data line as (position for errors, fields); a wrong field count is a bad record. */
    private JavaRDD<Tuple2<String, String[]>> lines(JavaSparkContext sc, int partitions, BadRecords bad) {
        Configuration conf = new Configuration(sc.hadoopConfiguration());
        long splitSize = Math.max(1 << 20, bytes / Math.max(1, partitions) + 1);
        conf.setLong("mapreduce.input.fileinputformat.split.maxsize", splitSize);
        conf.set("mapreduce.input.fileinputformat.inputdir", String.join(",", files.stream()
                .map(f -> new Path(f).toString().replace(",", "\\,")).toList()));
        JavaNewHadoopRDD<LongWritable, Text> raw = (JavaNewHadoopRDD<LongWritable, Text>) sc.newAPIHadoopRDD(
                conf, TextInputFormat.class, LongWritable.class, Text.class);
        boolean header = options.header();
        char delimiter = options.delimiter();
        int expected = columns;
        int skipRows = options.skipRows();
        return raw.mapPartitionsWithInputSplit((split, it) -> {
            FileSplit file = (FileSplit) split;
            String fileName = file.getPath().getName();
            boolean fromStart = file.getStart() == 0;
            return new Iterator<Tuple2<String, String[]>>() {
                private long line;
                private Tuple2<String, String[]> next = advance();

                private Tuple2<String, String[]> advance() {
                    while (it.hasNext()) {
                        Tuple2<LongWritable, Text> record = it.next();
                        long offset = record._1().get();
                        String text = withoutBom(record._2().toString(), offset == 0);
                        line++;
                        // Only the split at a file's start holds its preamble and header.
                        if (fromStart && (line <= skipRows || header && line == skipRows + 1) || text.isBlank()) {
                            continue;
                        }
                        String where = fromStart ? fileName + ", line " + line : fileName + ", byte " + offset;
                        try {
                            String[] fields = split(text, delimiter, where);
                            if (fields.length != expected) {
                                throw new DatasetFormatException(where + ": " + fields.length + " fields, expected "
                                        + expected + " (delimiter '" + delimiter + "')");
                            }
                            return new Tuple2<>(where, fields);
                        } catch (DatasetFormatException e) {
                            bad.handle(e);
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Tuple2<String, String[]> next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    Tuple2<String, String[]> current = next;
                    next = advance();
                    return current;
                }
            };
        }, true);
    }

    /**
     * The fields of one line, as RFC 4180 quotes them ({@code "a, b"} is one field, {@code ""} inside
     * quotes is a quote), each trimmed of surrounding spaces; a quoted field cannot span lines.
     */
    public static String[] split(String line, char delimiter, String where) {
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setTrim(true)
                .setIgnoreSurroundingSpaces(true).build();
        try (CSVParser parser = CSVParser.parse(line, format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new DatasetFormatException(where + ": a quoted field runs past the end of the line");
            }
            return records.get(0).values();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new DatasetFormatException(where + ": not a CSV line: " + e.getMessage(), e);
        }
    }

    /** {@code text} without a UTF-8 byte order mark at its start, when it is a file's first line. */
    static String withoutBom(String text, boolean firstLine) {
        return firstLine && text != null && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(files.toArray());
    }
}
