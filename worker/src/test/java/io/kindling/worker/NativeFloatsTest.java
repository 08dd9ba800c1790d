package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Which arrays get a pointer, and that it points at their first value. */
class NativeFloatsTest {
    private static float[] read(INDArray a) {
        FloatPointer p = NativeFloats.of(a);
        assertNotNull(p, a.shapeInfoToString());
        float[] values = new float[(int) a.length()];
        NativeFloats.get(p, 0, values, values.length);
        return values;
    }

    @Test
    void denseArraysAndContiguousViewsHaveAPointer() {
        INDArray flat = Nd4j.arange(0, 60).castTo(DataType.FLOAT).reshape(60);
        assertArrayEquals(flat.toFloatVector(), read(flat));
        INDArray interval = flat.get(NDArrayIndex.interval(17, 41));
        assertArrayEquals(interval.toFloatVector(), read(interval));
        INDArray reshaped = interval.reshape('c', 4, 6);
        assertArrayEquals(reshaped.dup('c').data().asFloat(), read(reshaped));
        INDArray row = flat.reshape(6, 10).getRow(3);
        assertArrayEquals(row.toFloatVector(), read(row));
        INDArray images = flat.reshape('c', 3, 1, 4, 5); // one channel: ND4J's own stride check says no
        assertArrayEquals(flat.toFloatVector(), read(images));

        float[] values = {-1f, -2f, -3f};
        NativeFloats.put(values, 3, NativeFloats.of(interval), 2);
        assertArrayEquals(new float[] {18f, -1f, -2f, -3f, 22f, 23f}, flat.get(NDArrayIndex.interval(18, 24)).toFloatVector());
    }

    @Test
    void stridedViewsAndOtherTypesHaveNone() {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 6, 10);
        assertNull(NativeFloats.of(matrix.getColumn(2)));
        assertNull(NativeFloats.of(matrix.transpose()));
        assertNull(NativeFloats.of(matrix.reshape(6, 1, 10).permute(2, 1, 0)));
        assertNull(NativeFloats.of(matrix.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 5))));
        assertNull(NativeFloats.of(Nd4j.rand(DataType.DOUBLE, 4)));
    }
}
