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
                .withClassesFromData(sc, 2, BadRecords.failing());
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
                .withClassesFromData(sc, 2, BadRecords.failing());
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
        CsvSource source = CsvSource.open(csv.toString(), CsvOptions.DEFAULT, CONF).withClassesFromData(sc, 1, BadRecords.failing());
        SparkException e = assertThrows(SparkException.class, () -> read(source));
        assertTrue(rootMessage(e).equals("bad.csv, line 3: column 'b': 'oops' is not a finite decimal number"), rootMessage(e));
        BadRecords skip = BadRecords.skipping(sc.sc().longAccumulator());
        assertEquals(1, source.rdd(sc, 1, skip).count());
        assertEquals(1, skip.skipped());
    }

    @Test
    void onlyFiniteDecimalsAreNumbersAndNumericLabelsAreOneClassWhateverTheirForm() throws IOException {
        Path csv = Files.writeString(dir.resolve("forms.csv"), "a,b,label\n1,2,1\n3,4,1.0\n5,6,2e0\n7,8, 2\n9,10,\n"
                + "0x1p3,1,1\n1.5f,1,1\nNaN,1,1\n1,Infinity,2\n1e39,1,2\n");
        CsvSource source = CsvSource.open(csv.toString(), CsvOptions.DEFAULT, CONF).withClassesFromData(sc, 1, BadRecords.failing());
        assertEquals(List.of("1", "2"), source.info().classes());
        BadRecords skip = BadRecords.skipping(sc.sc().longAccumulator());
        List<Example> rows = source.rdd(sc, 1, skip).collect();
        assertEquals(4, rows.size(), "the empty label and the five Java-only or non-finite numbers are bad records");
        assertEquals(List.of(0, 0, 1, 1), rows.stream().map(Example::label).toList());
        assertEquals(6, skip.skipped());
        assertEquals("forms.csv, line 6: column 'label': empty label", rootMessage(assertThrows(SparkException.class,
                () -> read(source))));
    }

    @Test
    void rfc4180QuotingAByteOrderMarkAndAPreambleAreRead() throws IOException {
        Path csv = Files.writeString(dir.resolve("quoted.csv"), "\uFEFFSource: a survey, 2024\n"
                + "\"name, full\",x,label\n\"Smith, J.\",1.5,\"say \"\"yes\"\"\"\n\"Doe\",2.5,no\n");
        CsvSource source = CsvSource.open(csv.toString(), new CsvOptions(true, "label", ',', false, 1), CONF);
        assertEquals(List.of("name, full", "x"), source.featureNames());
        assertArrayEquals(new String[] {"Smith, J.", "1.5", "say \"yes\""},
                CsvSource.split("\"Smith, J.\", 1.5 ,\"say \"\"yes\"\"\"", ',', "here"));
        Path bom = Files.writeString(dir.resolve("bom.csv"), "\uFEFFa,label\n1,x\n2,y\n");
        CsvSource withBom = CsvSource.open(bom.toString(), CsvOptions.DEFAULT, CONF)
                .withClassesFromData(sc, 1, BadRecords.failing());
        assertEquals(List.of("a"), withBom.featureNames(), "the byte order mark is not part of the first name");
        assertEquals(2, read(withBom).size());
    }

    @Test
    void aHeaderOnlyFileIsAClearErrorAndARaggedRowIsSkippedAndCountedWhenAsked() throws IOException {
        Path empty = Files.writeString(dir.resolve("header-only.csv"), "a,b,label\n\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CsvSource.open(empty.toString(), CsvOptions.DEFAULT, CONF));
        assertEquals("header-only.csv: a header and no rows", e.getMessage());

        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "a,b,label\n1,2,x\n3,y\n4,5,y\n");
        BadRecords skip = BadRecords.skipping(sc.sc().longAccumulator());
        CsvSource source = CsvSource.open(ragged.toString(), CsvOptions.DEFAULT, CONF)
                .withClassesFromData(sc, 1, skip);
        assertEquals(List.of("x", "y"), source.info().classes());
        assertEquals(2, source.rdd(sc, 1, skip).count());
        assertEquals(1, skip.skipped(), "counted once, by the pass that reads the examples");
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
        CsvSource source = CsvSource.open(hdfs, CsvOptions.DEFAULT, CONF).withClassesFromData(sc, 2, BadRecords.failing());
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
