package io.kindling.datasets.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.images.Images;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSourceTest {
    private static final TableOptions DEFAULTS = new TableOptions(List.of(), null, false, null, 0, 0, false);

    @TempDir
    Path tmp;

    private static SparkSession spark() {
        LocalSpark.context();
        return SparkSession.builder().getOrCreate();
    }

    private static Configuration conf() {
        return LocalSpark.context().hadoopConfiguration();
    }

    private static List<Example> read(TableSource source) {
        JavaSparkContext sc = LocalSpark.context();
        List<Example> examples = new ArrayList<>(source.rdd(sc, 2, BadRecords.failing()).collect());
        return examples;
    }

    private String write(String format, StructType schema, List<Row> rows) {
        String uri = tmp.resolve(format + "-" + System.nanoTime()).toUri().toString();
        spark().createDataFrame(rows, schema).coalesce(1).write().format(format).save(uri);
        return uri;
    }

    private static StructType schema(StructField... fields) {
        return DataTypes.createStructType(fields);
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    @Test
    void parquetNumericColumnsWithStringLabelsBecomeSortedClasses() {
        String uri = write("parquet", schema(field("x", DataTypes.DoubleType), field("n", DataTypes.IntegerType),
                field("species", DataTypes.StringType)), List.of(RowFactory.create(1.5, 2, "versicolor"),
                RowFactory.create(-1.0, 7, "setosa"), RowFactory.create(0.25, 0, "virginica")));
        TableOptions options = new TableOptions(List.of(), "species", false, null, 0, 0, false);
        TableSource source = TableSource.open(TableQuery.files("parquet", uri, null, true), options, conf());
        TableSource trained = source.withClasses(source.labelsInData());
        assertEquals(DatasetInfo.numeric(2, List.of("setosa", "versicolor", "virginica")), trained.info());
        List<Example> examples = read(trained);
        assertEquals(3, examples.size());
        assertArrayEquals(new float[] {1.5f, 2}, examples.get(0).values());
        assertEquals(1, examples.get(0).label());
        assertEquals(0, examples.get(1).label());
    }

    @Test
    void orcWithAVectorColumnAndNumericLabels() {
        String uri = write("orc", schema(field("features", SQLDataTypes.VectorType()), field("label",
                DataTypes.DoubleType)), List.of(RowFactory.create(Vectors.dense(1, 2, 3), 1.0),
                RowFactory.create(Vectors.sparse(3, new int[] {1}, new double[] {5}), 0.0)));
        TableSource source = TableSource.open(TableQuery.files("orc", uri, null, true), DEFAULTS, conf());
        assertEquals(List.of("0", "1"), source.labelsInData());
        List<Example> examples = read(source.withClasses(source.labelsInData()));
        assertArrayEquals(new float[] {1, 2, 3}, examples.get(0).values());
        assertArrayEquals(new float[] {0, 5, 0}, examples.get(1).values());
        assertEquals(List.of(1, 0), examples.stream().map(Example::label).toList());
    }

    @Test
    void anArrayColumnWithAnInputShapeIsAnImage() {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            values.add((float) i);
        }
        String uri = write("parquet", schema(field("pixels", DataTypes.createArrayType(DataTypes.FloatType)),
                field("y", DataTypes.DoubleType)), List.of(RowFactory.create(values, 2.5)));
        TableOptions options = new TableOptions(List.of("pixels"), "y", true, new int[] {3, 2, 2}, 0, 0, false);
        TableSource source = TableSource.open(TableQuery.files("parquet", uri, null, true), options, conf());
        assertEquals(DatasetInfo.image(3, 2, 2, List.of()), source.info());
        Example e = read(source).get(0);
        assertEquals(2.5f, e.target());
        assertEquals(11f, e.values()[11]);
    }

    @Test
    void encodedImagesDecodeToThePixelsTheyWereMadeFrom() {
        byte[] gray = new byte[4 * 3];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (byte) (i * 20);
        }
        String uri = write("parquet", schema(field("content", DataTypes.BinaryType), field("label",
                DataTypes.IntegerType)), List.of(RowFactory.create(Images.png(gray, 1, 4, 3), 7)));
        TableOptions options = new TableOptions(List.of("content"), null, false, null, 0, 0, true);
        TableSource source = TableSource.open(TableQuery.files("parquet", uri, null, true), options, conf());
        assertEquals(DatasetInfo.image(1, 4, 3, List.of()), source.info());
        Example e = read(source.withClasses(List.of("7"))).get(0);
        assertArrayEquals(gray, e.pixels());
    }

    @Test
    void sparksImageStructsBecomeRgbChannelMajorPixels() {
        // Spark's image source: BGR bytes, row-major, interleaved; 2x1 pixels (blue, then red).
        StructType image = schema(field("origin", DataTypes.StringType), field("height", DataTypes.IntegerType),
                field("width", DataTypes.IntegerType), field("nChannels", DataTypes.IntegerType),
                field("mode", DataTypes.IntegerType), field("data", DataTypes.BinaryType));
        Row bgr = RowFactory.create("a.png", 1, 2, 3, 16, new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255});
        String uri = write("parquet", schema(field("image", image), field("label", DataTypes.StringType)),
                List.of(RowFactory.create(bgr, "sky")));
        TableSource source = TableSource.open(TableQuery.files("parquet", uri, null, true), DEFAULTS, conf());
        assertEquals(DatasetInfo.image(3, 1, 2, List.of()), source.info());
        Example e = read(source.withClasses(source.labelsInData())).get(0);
        assertArrayEquals(new byte[] {0, (byte) 255, 0, 0, (byte) 255, 0}, e.pixels(), "R plane, G plane, B plane");
    }

    @Test
    void undecodableImagesAndShortArraysAreBadRows() {
        String images = write("parquet", schema(field("content", DataTypes.BinaryType), field("label",
                DataTypes.IntegerType)), List.of(RowFactory.create(Images.png(new byte[4], 1, 2, 2), 1),
                RowFactory.create(new byte[] {1, 2, 3}, 1)));
        TableSource decoded = TableSource.open(TableQuery.files("parquet", images, null, true),
                new TableOptions(List.of("content"), null, false, null, 0, 0, true), conf()).withClasses(List.of("1"));
        assertTrue(rootMessage(assertThrows(SparkException.class, () -> read(decoded))).matches(
                "part-.*, row 2, column 'content': not a decodable image.*"));
        String arrays = write("parquet", schema(field("x", DataTypes.createArrayType(DataTypes.DoubleType)),
                field("label", DataTypes.IntegerType)), List.of(RowFactory.create(List.of(1.0, 2.0), 0),
                RowFactory.create(List.of(1.0), 0)));
        TableSource sized = TableSource.open(TableQuery.files("parquet", arrays, null, true), DEFAULTS, conf())
                .withClasses(List.of("0"));
        assertEquals(DatasetInfo.numeric(2, List.of("0")), sized.info());
        assertTrue(rootMessage(assertThrows(SparkException.class, () -> read(sized))).endsWith(
                ", row 2, column 'x': 1 values, expected 2"));
    }

    @Test
    void aBadRowNamesItsFileRowAndColumnOrIsSkippedAndCounted() {
        String uri = write("parquet", schema(field("x", DataTypes.DoubleType), field("label", DataTypes.StringType)),
                List.of(RowFactory.create(1.0, "a"), RowFactory.create(Double.NaN, "b"), RowFactory.create(2.0, null)));
        TableSource source = TableSource.open(TableQuery.files("parquet", uri, null, true), DEFAULTS, conf())
                .withClasses(List.of("a", "b"));
        SparkException failed = assertThrows(SparkException.class, () -> read(source));
        String message = rootMessage(failed);
        assertTrue(message.matches("part-.*\\.parquet, row 2, column 'x': NaN, expected a finite number"), message);
        BadRecords skipping = BadRecords.skipping(LocalSpark.context().sc().longAccumulator());
        assertEquals(1, source.rdd(LocalSpark.context(), 2, skipping).count());
        assertEquals(2, skipping.skipped());
    }

    @Test
    void columnsKindlingCannotReadAreNamedWithTheirTypes() {
        String uri = write("json", schema(field("name", DataTypes.StringType), field("x", DataTypes.DoubleType),
                field("label", DataTypes.LongType)), List.of(RowFactory.create("p", 1.0, 1L)));
        TableQuery query = TableQuery.files("json", uri, null, true);
        DatasetFormatException types = assertThrows(DatasetFormatException.class,
                () -> TableSource.open(query, DEFAULTS, conf()));
        assertEquals(uri + ": column 'name' is string, expected numeric columns, or one vector, array of numbers,"
                + " binary (encoded images) or image column (choose with --features)", types.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> TableSource.open(query,
                new TableOptions(List.of("x"), "y", false, null, 0, 0, false), conf()));
        assertEquals("--label-column y: " + uri + " has no such column, expected one of [label, name, x]",
                missing.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> TableSource.open(query,
                new TableOptions(List.of("x"), null, false, new int[] {1, 1, 1}, 0, 0, false), conf()));
        assertTrue(shape.getMessage().startsWith("--input-shape: only for one array column"), shape.getMessage());
        DatasetFormatException format = assertThrows(DatasetFormatException.class, () -> TableSource.open(
                TableQuery.files("parquet", tmp.resolve("absent").toUri().toString(), null, true), DEFAULTS, conf()));
        assertTrue(format.getMessage().contains("absent: cannot be read as --format parquet"), format.getMessage());
    }

    @Test
    void aCatalogTableWithAFilterAndParquetOnHdfs() {
        spark().createDataFrame(List.of(RowFactory.create(1.0, 0), RowFactory.create(-1.0, 1), RowFactory.create(3.0,
                1)), schema(field("x", DataTypes.DoubleType), field("label", DataTypes.IntegerType)))
                .write().mode("overwrite").saveAsTable("points");
        TableSource table = TableSource.open(TableQuery.catalog("points", "x > 0"), DEFAULTS, conf());
        assertEquals(List.of("0", "1"), table.labelsInData());
        List<Example> rows = read(table.withClasses(List.of("0", "1")));
        rows.sort(Comparator.comparingDouble(e -> e.values()[0]));
        assertEquals(List.of(1.0f, 3.0f), rows.stream().map(e -> e.values()[0]).toList());

        String hdfs = MiniHdfs.uri() + "/table-" + System.nanoTime();
        spark().table("points").write().parquet(hdfs);
        TableSource files = TableSource.open(TableQuery.files("parquet", hdfs, "label = 1", true), DEFAULTS, conf());
        assertEquals(2, read(files.withClasses(List.of("0", "1"))).size());
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
