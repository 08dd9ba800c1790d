package io.kindling.datasets.table;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.HadoopFiles;
import io.kindling.datasets.csv.CsvSource;
import io.kindling.datasets.images.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A table read through Spark SQL: Parquet, ORC, JSON, CSV or any other source Spark has, or a table of
 * the session catalog. The driver plans the scan (Spark SQL's own partitioning of the files) and checks
 * the schema; executors read the rows and decode them ({@link RowDecoder}). Features are numeric
 * columns, or one vector, array, encoded-image or image column; the label is a number, a string or a
 * boolean (classes, sorted as CSV labels are), or a number to predict.
 */
public final class TableSource implements ExampleSource {
    private static final long serialVersionUID = 1L;

    private final TableQuery query;
    private final RowDecoder decoder;
    private final List<String> columns;
    private final String label;
    private final DatasetInfo shape;
    private final long bytes;

    private TableSource(TableQuery query, RowDecoder decoder, List<String> columns, String label, DatasetInfo shape,
                        long bytes) {
        this.query = query;
        this.decoder = decoder;
        this.columns = columns;
        this.label = label;
        this.shape = shape;
        this.bytes = bytes;
    }

    /** Plans the table and checks its columns against {@code options}; the classes are still unknown. Driver-side. */
    public static TableSource open(TableQuery query, TableOptions options, Configuration conf) {
        return open(query, options, conf, true);
    }

    /** The same for rows to predict: they may lack the label column. */
    public static TableSource openUnlabelled(TableQuery query, TableOptions options, Configuration conf) {
        return open(query, options, conf, false);
    }

    private static TableSource open(TableQuery query, TableOptions options, Configuration conf, boolean labelled) {
        Dataset<Row> frame = query.read(SparkSession.builder().getOrCreate());
        StructType schema = frame.schema();
        List<String> names = List.of(schema.fieldNames());
        String origin = query.origin();
        String label = options.labelColumn() != null ? options.labelColumn()
                : names.contains("label") || !labelled ? "label" : names.get(names.size() - 1);
        if (!labelled && !names.contains(label)) {
            label = null;
        } else if (!names.contains(label)) {
            throw new IllegalArgumentException("--label-column " + label + ": " + origin + " has no such column,"
                    + " expected one of " + names);
        }
        if (label != null && !ColumnKind.label(schema.apply(label).dataType(), options.regression())) {
            throw new DatasetFormatException(origin + ": label column '" + label + "' is "
                    + schema.apply(label).dataType().simpleString() + ", expected " + (options.regression()
                    ? "a number (--regression)" : "a number, a string or a boolean"));
        }
        List<String> features = new ArrayList<>(options.features());
        if (features.isEmpty()) {
            features.addAll(names);
            features.remove(label);
        }
        if (features.isEmpty()) {
            throw new DatasetFormatException(origin + ": no column besides the label '" + label + "'");
        }
        if (!labelled) {
            label = null; // a label column of rows to predict only stays out of the features
        }
        ColumnKind kind = FeatureColumns.kindOf(schema, features, "--features", origin);
        boolean image = kind == ColumnKind.ENCODED_IMAGE || kind == ColumnKind.IMAGE_STRUCT;
        if (image && options.regression()) {
            throw new IllegalArgumentException("--regression: images are classified; expected numeric features");
        }
        if (options.inputShape() != null && kind != ColumnKind.ARRAY) {
            throw new IllegalArgumentException("--input-shape: only for one array column of image values, but "
                    + origin + "'s features are " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        int channels = 0;
        int height = 0;
        int width = 0;
        int count;
        if (kind == ColumnKind.NUMBERS) {
            count = features.size();
        } else if (kind == ColumnKind.ARRAY && options.inputShape() != null) {
            int[] chw = options.inputShape();
            channels = chw[0];
            height = chw[1];
            width = chw[2];
            count = channels * height * width;
        } else if (kind == ColumnKind.ARRAY) {
            count = ((Number) firstValue(frame.where(functions.col(features.get(0)).isNotNull())
                    .select(functions.size(functions.col(features.get(0))).as("n")), "n",
                    origin)).intValue();
        } else if (kind == ColumnKind.VECTOR) {
            int declared = vectorSize(schema.apply(features.get(0)));
            count = declared > 0 ? declared : RowDecoder.vector(firstValue(frame, features.get(0), origin)).length;
        } else {
            channels = options.grayscale() ? 1 : 3;
            height = options.imageHeight();
            width = options.imageWidth();
            if (height == 0) { // the first image's size, as image folders take it
                Object first = firstValue(frame, features.get(0), origin);
                if (kind == ColumnKind.ENCODED_IMAGE) {
                    BufferedImage decoded = Images.decode((byte[]) first, origin + ", first row, column '"
                            + features.get(0) + "'");
                    height = decoded.getHeight();
                    width = decoded.getWidth();
                } else {
                    height = ((Row) first).<Integer>getAs("height");
                    width = ((Row) first).<Integer>getAs("width");
                }
            }
            count = channels * height * width;
        }
        DatasetInfo info = height > 0 ? DatasetInfo.image(channels, height, width, List.of())
                : DatasetInfo.numeric(count, List.of());
        RowDecoder decoder = new RowDecoder(kind, features, label, options.regression(), count, channels, height, width,
                List.of());
        return new TableSource(query, decoder, List.copyOf(features), label, info, HadoopFiles.totalSize(query.inputFiles(frame), conf));
    }

    /**
     * The size Spark ML's attribute metadata gives a vector column (VectorAssembler writes it), or 0:
     * no query then, which matters where the rows are cached (a limit query leaves blocks pinned).
     */
    private static int vectorSize(StructField field) {
        Metadata metadata = field.metadata();
        if (metadata.contains("ml_attr") && metadata.getMetadata("ml_attr").contains("num_attrs")) {
            return (int) metadata.getMetadata("ml_attr").getLong("num_attrs");
        }
        return 0;
    }

    private static Object firstValue(Dataset<Row> frame, String column, String origin) {
        List<Row> first = frame.select(column).where(functions.col(column).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new DatasetFormatException(origin + ": no rows with a value in column '" + column + "'");
        }
        return first.get(0).get(0);
    }

    /** The distinct labels of the table as class names, for a classification's class map. */
    public List<String> labelsInData() {
        List<String> labels = new ArrayList<>();
        for (Row r : query.read(SparkSession.builder().getOrCreate()).select(label).distinct().collectAsList()) {
            if (!r.isNullAt(0)) {
                labels.add(RowDecoder.labelText(r.get(0)));
            }
        }
        return CsvSource.sorted(labels);
    }

    /** This source with a class map: its own labels' (training) or the training data's (test). */
    public TableSource withClasses(List<String> classes) {
        DatasetInfo info = shape.isImage() ? DatasetInfo.image(shape.channels(), shape.height(), shape.width(), classes)
                : DatasetInfo.numeric(shape.channels(), classes);
        return new TableSource(query, decoder.withClasses(classes), columns, label, info, bytes);
    }

    @Override
    public String name() {
        return query.name();
    }

    @Override
    public DatasetInfo info() {
        return shape;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad) {
        return named(sc, partitions, bad).map(Tuple2::_2);
    }

    /** The examples with where each comes from ({@code FILE, row N}), for predictions. */
    public JavaRDD<Tuple2<String, Example>> named(JavaSparkContext sc, int partitions, BadRecords bad) {
        // A session of its own: its file split size spreads the table over at least `partitions` tasks
        // without touching the user's session.
        SparkSession spark = SparkSession.builder().getOrCreate().newSession();
        if (bytes > 0) {
            spark.conf().set("spark.sql.files.maxPartitionBytes", Math.max(1L << 20, bytes / Math.max(1, partitions)));
        }
        Dataset<Row> frame = query.read(spark);
        List<Column> selected = new ArrayList<>();
        for (String c : columns.subList(0, decoder.featureColumns())) {
            selected.add(functions.col(c));
        }
        if (label != null) {
            selected.add(functions.col(label));
        }
        Dataset<Row> rows;
        boolean files;
        try {
            List<Column> withFile = new ArrayList<>(selected);
            withFile.add(functions.col("_metadata.file_name"));
            rows = frame.select(withFile.toArray(new Column[0]));
            rows.schema();
            files = true;
        } catch (Exception e) { // Spark's AnalysisException is checked to Java
            rows = frame.select(selected.toArray(new Column[0])); // a source without file metadata (a view)
            files = false;
        }
        RowDecoder decode = decoder;
        String origin = query.origin();
        int fileColumn = selected.size();
        boolean named = files;
        return rows.javaRDD().mapPartitionsWithIndex((p, it) -> new Iterator<Tuple2<String, Example>>() {
            private String file;
            private long row;
            private Tuple2<String, Example> next = advance();

            private Tuple2<String, Example> advance() {
                while (it.hasNext()) {
                    Row r = it.next();
                    String f = named ? r.getString(fileColumn) : null;
                    if (!Objects.equals(f, file)) {
                        file = f;
                        row = 0;
                    }
                    row++;
                    String where = named ? f + ", row " + row : origin + ", partition " + p + ", row " + row;
                    try {
                        return new Tuple2<>(where, decode.decode(r, where));
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
            public Tuple2<String, Example> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Tuple2<String, Example> current = next;
                next = advance();
                return current;
            }
        }, true);
    }

    @Override
    public String toString() {
        return name() + " " + query;
    }
}
