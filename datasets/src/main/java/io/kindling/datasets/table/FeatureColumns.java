package io.kindling.datasets.table;

import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The feature columns of rows to score with a trained model, found in any table's schema: numeric
 * columns, or one vector, array, encoded-image or image column, read into examples of the shape the
 * model was trained on. Checked on the driver against the schema; rows are read on executors, whatever
 * other columns they carry.
 */
public final class FeatureColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] positions;
    private final RowDecoder decoder;

    private FeatureColumns(int[] positions, RowDecoder decoder) {
        this.positions = positions;
        this.decoder = decoder;
    }

    /**
     * The columns {@code features} of {@code schema} as inputs of a model trained on examples shaped as
     * {@code trained}; {@code option} names the setting that chose them and {@code origin} the table, for
     * errors.
     */
    public static FeatureColumns of(StructType schema, List<String> features, DatasetInfo trained, String option,
                                    String origin) {
        ColumnKind kind = kindOf(schema, features, option, origin);
        int count = trained.features();
        if (kind == ColumnKind.NUMBERS && features.size() != count) {
            throw new IllegalArgumentException(option + " " + String.join(",", features) + ": " + features.size()
                    + " numeric columns, but the model takes " + count + " features");
        }
        boolean image = kind == ColumnKind.ENCODED_IMAGE || kind == ColumnKind.IMAGE_STRUCT;
        if (image && !trained.isImage()) {
            throw new IllegalArgumentException(option + " " + features.get(0) + ": holds images, but the model takes "
                    + count + " numeric features");
        }
        int[] positions = new int[features.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = schema.fieldIndex(features.get(i));
        }
        return new FeatureColumns(positions, new RowDecoder(kind, features, null, false, count, trained.channels(),
                trained.height(), trained.width(), List.of()));
    }

    /** Checks that {@code features} of {@code schema} can be features; a clear error naming {@code option} if not. */
    public static void check(StructType schema, List<String> features, String option, String origin) {
        kindOf(schema, features, option, origin);
    }

    /**
     * What the columns hold: numeric columns, or one column of another supported kind; a clear error
     * naming {@code option} and {@code origin} (the table) otherwise.
     */
    static ColumnKind kindOf(StructType schema, List<String> features, String option, String origin) {
        List<String> names = List.of(schema.fieldNames());
        ColumnKind kind = null;
        for (String column : features) {
            if (!names.contains(column)) {
                throw new IllegalArgumentException(option + " " + String.join(",", features) + ": " + origin
                        + " has no column '" + column + "', expected some of " + names);
            }
            ColumnKind k = ColumnKind.of(schema.apply(column).dataType());
            if (k == null || (features.size() > 1 && k != ColumnKind.NUMBERS)) {
                throw new DatasetFormatException(origin + ": column '" + column + "' is "
                        + schema.apply(column).dataType().simpleString() + ", expected numeric columns, or one"
                        + " vector, array of numbers, binary (encoded images) or image column (choose with "
                        + option + ")");
            }
            kind = k;
        }
        if (kind == null) {
            throw new IllegalArgumentException(option + ": no feature columns given");
        }
        return kind;
    }

    /** What the columns hold, in words: {@code vector}, {@code array}, ... */
    public String kind() {
        return decoder.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The features of {@code row}, a row of the schema these columns were found in; executor-side. */
    public Example read(Row row, String where) {
        List<Object> values = new ArrayList<>(positions.length);
        for (int p : positions) {
            values.add(row.get(p));
        }
        return decoder.decode(RowFactory.create(values.toArray()), where);
    }
}
