package io.kindling.datasets.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.Example;
import io.kindling.datasets.IndexedData;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    private static final Configuration CONF = new Configuration();
    private final JavaSparkContext sc = LocalSpark.context();

    @TempDir
    Path dir;

    @Test
    void classificationWithAHeaderAndALabelColumnByName() throws IOException {
        Path csv = Files.writeString(dir.resolve("iris.csv"), """
                sepal_length,species,sepal_width
                5.1,setosa,3.5
                7.0,"versicolor",3.2

                6.3,virginica,3.3
                4.9,setosa,3.0
                """);
        CsvSource source = CsvSource.open(csv.toString(), new CsvOptions(true, "species", ',', false), CONF)
                .withClassesFromData(sc, 2);
        assertEquals(List.of("setosa", "versicolor", "virginica"), source.info().classes());
        assertEquals(List.of("sepal_length", "sepal_width"), source.featureNames());
        List<Example> rows = read(source);
        assertEquals(4, rows.size());
        assertArrayEquals(new float[] {7.0f, 3.2f}, rows.get(1).values());
        assertEquals(1, rows.get(1).label());
    }

    @Test
    void numericLabelsSortNumericallyAndOtherDelimitersWork() throws IOException {
        Path csv = Files.writeString(dir.resolve("data.csv"), "10;1.5;2\n2;0.5;1\n10;2.5;3\n");
        CsvSource source = CsvSource.open(csv.toString(), new CsvOptions(false, "0", ';', false), CONF)
                .withClassesFromData(sc, 2);
        assertEquals(List.of("2", "10"), source.info().classes(), "2 before 10");
        assertEquals(2, source.info().features());
    }

    @Test
    void regressionTargetsAndADirectoryOfFilesReadInParallelSplits() throws IOException {
        Path csvDir = dir.resolve("parts");
        Files.createDirectories(csvDir);
        StringBuilder big = new StringBuilder("x,y,target\n");
        for (int i = 0; i < 60_000; i++) {
            big.append(i).append(',').append(i % 7).append(',').append(i * 0.5).append('\n');
        }
        Files.writeString(csvDir.resolve("part-0.csv"), big);
        Files.writeString(csvDir.resolve("part-1.csv"), "x,y,target\n1,2,3\n");
        Files.writeString(csvDir.resolve(".hidden"), "not,a,csv\n");
        CsvSource source = CsvSource.open(csvDir.toString(), new CsvOptions(true, null, ',', true), CONF);
        assertTrue(source.info().isRegression());
        IndexedData data = IndexedData.load(sc, source, 8, StorageLevel.NONE(), BadRecords.failing());
        assertEquals(60_001, data.size(), "split files keep every line exactly once");
        assertTrue(data.examples().getNumPartitions() > 1);
        double sum = data.examples().mapToDouble(Example::target).sum();
        assertEquals(0.5 * 59_999 * 60_000 / 2 + 3, sum, 1e-3);
    }

    @Test
    void aNonNumericFieldIsNamedWithFileLineAndColumn() throws IOException {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "a,b,label\n1,2,x\n3,oops,y\n");
        CsvSource source = CsvSource.open(csv.toString(), CsvOptions.DEFAULT, CONF).withClassesFromData(sc, 1);
        SparkException e = assertThrows(SparkException.class, () -> read(source));
        assertTrue(rootMessage(e).equals("bad.csv, line 3: column 'b': 'oops' is not a number"), rootMessage(e));
        BadRecords skip = BadRecords.skipping(sc.sc().longAccumulator());
        assertEquals(1, source.rdd(sc, 1, skip).count());
        assertEquals(1, skip.skipped());
    }

    @Test
    void aRowWithTooFewFieldsAndAnUnknownTestLabelAreErrors() throws IOException {
        Path short_ = Files.writeString(dir.resolve("short.csv"), "a,b,label\n1,2,x\n3,y\n");
        CsvSource source = CsvSource.open(short_.toString(), CsvOptions.DEFAULT, CONF).withClasses(List.of("x", "y"));
        assertEquals("short.csv, line 3: 2 fields, expected 3 (delimiter ',')",
                rootMessage(assertThrows(SparkException.class, () -> read(source))));

        Path test = Files.writeString(dir.resolve("test.csv"), "a,b,label\n1,2,z\n");
        CsvSource testSource = CsvSource.open(test.toString(), CsvOptions.DEFAULT, CONF).withClasses(List.of("x", "y"));
        assertEquals("test.csv, line 2: label 'z' is not one of the training labels [x, y]",
                rootMessage(assertThrows(SparkException.class, () -> read(testSource))));
    }

    @Test
    void anUnknownLabelColumnIsAnOptionError() throws IOException {
        Path csv = Files.writeString(dir.resolve("c.csv"), "a,b,label\n1,2,x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvSource.open(csv.toString(), new CsvOptions(true, "klass", ',', false), CONF));
        assertEquals("--label-column klass: c.csv has no such column, expected one of [a, b, label] or an index in 0..2",
                e.getMessage());
    }

    @Test
    void readsFromHdfs() throws IOException {
        String hdfs = MiniHdfs.uri() + "/csv-" + System.nanoTime() + "/data.csv";
        FileSystem fs = new org.apache.hadoop.fs.Path(hdfs).getFileSystem(CONF);
        try (var out = fs.create(new org.apache.hadoop.fs.Path(hdfs))) {
            out.write("f1,f2,label\n1,2,a\n3,4,b\n5,6,a\n".getBytes());
        }
        CsvSource source = CsvSource.open(hdfs, CsvOptions.DEFAULT, CONF).withClassesFromData(sc, 2);
        assertEquals(3, read(source).size());
        assertEquals(List.of("a", "b"), source.info().classes());
    }

    private List<Example> read(CsvSource source) {
        List<Example> rows = new ArrayList<>(IndexedData.load(sc, source, 2, StorageLevel.NONE(), BadRecords.failing())
                .examples().collect());
        rows.sort(Comparator.comparingInt(Example::index));
        return rows;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
