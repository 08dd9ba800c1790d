package io.kindling.datasets.table;

import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.Example;
import io.kindling.datasets.images.Images;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Turns one selected row (the feature columns, then the label) into an example, on an executor. A
 * row that cannot be one (a null, a NaN, a wrong length, an image that does not decode, an unknown
 * label) is a {@link DatasetFormatException} naming the row and the column. Rows to predict may have no
 * label (a null {@code label}).
 */
final class RowDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ColumnKind kind;
    private final List<String> columns;
    private final String label;
    private final boolean regression;
    private final int features;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classes;
    private transient Map<String, Integer> classIndex;

    RowDecoder(ColumnKind kind, List<String> columns, String label, boolean regression, int features, int channels,
               int height, int width, List<String> classes) {
        this.kind = kind;
        this.columns = List.copyOf(columns);
        this.label = label;
        this.regression = regression;
        this.features = features;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = List.copyOf(classes);
    }

    RowDecoder withClasses(List<String> newClasses) {
        return new RowDecoder(kind, columns, label, regression, features, channels, height, width, newClasses);
    }

    ColumnKind kind() {
        return kind;
    }

    /** How many selected columns hold features: the label comes after them. */
    int featureColumns() {
        return kind == ColumnKind.NUMBERS ? columns.size() : 1;
    }

    Example decode(Row row, String where) {
        float target = label == null ? 0 : target(row.get(featureColumns()), where);
        switch (kind) {
            case NUMBERS -> {
                float[] values = new float[columns.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = number(row.get(i), where, columns.get(i));
                }
                return Example.numeric(0, target, values);
            }
            case VECTOR -> {
                Object v = row.get(0);
                if (v == null) {
                    throw bad(where, columns.get(0), "null, expected a vector of " + features + " values");
                }
                double[] vector = vector(v);
                if (vector.length != features) {
                    throw bad(where, columns.get(0), vector.length + " values, expected " + features);
                }
                float[] values = new float[features];
                for (int i = 0; i < features; i++) {
                    values[i] = finite((float) vector[i], where, columns.get(0));
                }
                return Example.numeric(0, target, values);
            }
            case ARRAY -> {
                List<Object> list = row.isNullAt(0) ? null : row.getList(0);
                if (list == null || list.size() != features) {
                    throw bad(where, columns.get(0), (list == null ? "null" : list.size() + " values") + ", expected "
                            + features + (height > 0 ? " (--input-shape " + channels + "x" + height + "x" + width + ")"
                            : ""));
                }
                float[] values = new float[features];
                for (int i = 0; i < features; i++) {
                    values[i] = number(list.get(i), where, columns.get(0));
                }
                return Example.numeric(0, target, values);
            }
            case ENCODED_IMAGE -> {
                Object bytes = row.get(0);
                if (bytes == null) {
                    throw bad(where, columns.get(0), "null, expected an encoded image");
                }
                BufferedImage image = Images.decode((byte[]) bytes, where + ", column '" + columns.get(0) + "'");
                return Example.image(0, (int) target, Images.pixels(image, height, width, channels));
            }
            case IMAGE_STRUCT -> {
                Row struct = row.isNullAt(0) ? null : row.getStruct(0);
                if (struct == null) {
                    throw bad(where, columns.get(0), "null, expected an image");
                }
                return Example.image(0, (int) target, Images.pixels(image(struct, where), height, width, channels));
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** A Spark ML vector, or its struct (type 0 sparse, 1 dense; size, indices, values) where ORC kept no UDT. */
    static double[] vector(Object v) {
        if (v instanceof Vector vector) {
            return vector.toArray();
        }
        Row struct = (Row) v;
        List<Object> values = struct.getList(3);
        double[] dense = new double[struct.getByte(0) == 1 ? values.size() : struct.getInt(1)];
        List<Object> indices = struct.getByte(0) == 1 ? null : struct.getList(2);
        for (int i = 0; i < values.size(); i++) {
            dense[indices == null ? i : (Integer) indices.get(i)] = ((Number) values.get(i)).doubleValue();
        }
        return dense;
    }

    /** An image of Spark's image source: height, width, nChannels (1, 3 or 4) and BGR(A) bytes, row-major. */
    private BufferedImage image(Row struct, String where) {
        int h = struct.<Integer>getAs("height");
        int w = struct.<Integer>getAs("width");
        int n = struct.<Integer>getAs("nChannels");
        byte[] data = struct.getAs("data");
        if (h <= 0 || w <= 0 || (n != 1 && n != 3 && n != 4) || data == null || data.length != h * w * n) {
            throw bad(where, columns.get(0), "not an image of Spark's image source (height " + h + ", width " + w
                    + ", nChannels " + n + ", " + (data == null ? "no" : data.length) + " bytes)");
        }
        BufferedImage image = new BufferedImage(w, h, n == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = (y * w + x) * n;
                if (n == 1) {
                    image.getRaster().setSample(x, y, 0, data[at] & 0xff);
                } else {
                    image.setRGB(x, y, (data[at + 2] & 0xff) << 16 | (data[at + 1] & 0xff) << 8 | (data[at] & 0xff));
                }
            }
        }
        return image;
    }

    private float target(Object value, String where) {
        if (value == null) {
            throw bad(where, label, "null label");
        }
        if (regression) {
            return number(value, where, label);
        }
        if (classIndex == null) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                index.put(classes.get(i), i);
            }
            classIndex = index;
        }
        String text = labelText(value);
        Integer c = classIndex.get(text);
        if (c == null) {
            throw bad(where, label, "label '" + text + "' is not one of the training labels " + classes);
        }
        return c;
    }

    /** A label as a class name: whole numbers without a fraction, so 3 and 3.0 are class "3". */
    static String labelText(Object value) {
        if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static float number(Object value, String where, String column) {
        if (value == null) {
            throw bad(where, column, "null, expected a number");
        }
        if (!(value instanceof Number n)) {
            throw bad(where, column, "'" + value + "' is not a number");
        }
        return finite(n.floatValue(), where, column);
    }

    private static float finite(float value, String where, String column) {
        if (!Float.isFinite(value)) {
            throw bad(where, column, value + ", expected a finite number");
        }
        return value;
    }

    private static DatasetFormatException bad(String where, String column, String problem) {
        return new DatasetFormatException(where + ", column '" + column + "': " + problem);
    }
}
