package io.kindling.datasets.table;

import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/** What a table's feature columns hold, as far as Kindling reads them. */
enum ColumnKind {
    /** Numeric columns, one feature each. */
    NUMBERS,
    /** One Spark ML vector column (or its struct, as ORC gives it back). */
    VECTOR,
    /** One array column of numbers (images with --input-shape). */
    ARRAY,
    /** One binary column of encoded images (PNG, JPEG...), as the binaryFile source gives them. */
    ENCODED_IMAGE,
    /** One image struct column, as Spark's image source gives it (BGR bytes, row-major). */
    IMAGE_STRUCT;

    /** The kind of one column, or null when Kindling cannot read it as features. */
    static ColumnKind of(DataType type) {
        if (type instanceof NumericType) {
            return NUMBERS;
        }
        if (type.getClass().getSimpleName().equals("VectorUDT") || type instanceof StructType struct
                && names(struct).equals(List.of("type", "size", "indices", "values"))) {
            return VECTOR;
        }
        if (type instanceof ArrayType array && array.elementType() instanceof NumericType) {
            return ARRAY;
        }
        if (type instanceof BinaryType) {
            return ENCODED_IMAGE;
        }
        if (type instanceof StructType struct && names(struct).containsAll(
                List.of("height", "width", "nChannels", "data"))) {
            return IMAGE_STRUCT;
        }
        return null;
    }

    /** Whether a label of this type is usable: a number, a string or a boolean (classes), or a number (targets). */
    static boolean label(DataType type, boolean regression) {
        return type instanceof NumericType || !regression && (type instanceof StringType || type instanceof BooleanType);
    }

    private static List<String> names(StructType struct) {
        return List.of(struct.fieldNames());
    }
}
