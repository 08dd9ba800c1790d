package io.kindling.ml;

import io.kindling.datasets.table.FeatureColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/** The checks of a DataFrame's columns against an estimator's or model's params, with messages naming both. */
final class Schemas {
    private static final String ORIGIN = "the DataFrame";

    private Schemas() {
    }

    static void requireColumn(StructType schema, String column, String param) {
        if (!List.of(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(param + " '" + column + "': " + ORIGIN + " has no such column, expected"
                    + " one of " + List.of(schema.fieldNames()));
        }
    }

    static void requireFeatures(StructType schema, String column) {
        FeatureColumns.check(schema, List.of(column), "featuresCol", ORIGIN);
    }

    static void requireLabel(StructType schema, String column, boolean regression) {
        DataType type = schema.apply(column).dataType();
        boolean ok = type instanceof NumericType
                || !regression && (type instanceof StringType || type instanceof BooleanType);
        if (!ok) {
            throw new IllegalArgumentException("labelCol '" + column + "': " + ORIGIN + "'s column is "
                    + type.simpleString() + ", expected " + (regression ? "a number" : "a number, a string or a boolean"));
        }
    }

    static void requireNew(StructType schema, String column, String param) {
        if (List.of(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(param + " '" + column + "': " + ORIGIN + " has such a column already;"
                    + " choose another name");
        }
    }

    /** A column by its name as given, dots and all. */
    static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }
}
