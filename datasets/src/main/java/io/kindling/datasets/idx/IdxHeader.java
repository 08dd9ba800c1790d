package io.kindling.datasets.idx;

import io.kindling.datasets.DatasetFormatException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The header of an IDX file (the MNIST format): two zero bytes, a data-type byte, the number of
 * dimensions, then one big-endian int per dimension. Only unsigned bytes (type 0x08) are supported.
 */
public record IdxHeader(String file, int magic, int[] dims) implements Serializable {
    public static final int UNSIGNED_BYTE = 0x08;

    /**
     * Reads the header and checks its magic number first: {@code 0x00000803} is unsigned-byte data of
     * rank 3 (MNIST images), {@code 0x00000801} rank 1 (labels).
     */
    public static IdxHeader read(InputStream in, String file, int expectedMagic) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            int magic = data.readInt();
            if (magic != expectedMagic) {
                throw new DatasetFormatException(String.format(
                        "%s: magic number 0x%08x, expected 0x%08x", file, magic, expectedMagic));
            }
            int[] dims = new int[magic & 0xff];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new DatasetFormatException(String.format(
                            "%s: dimension %d is %d, expected a non-negative size", file, i, dims[i]));
                }
            }
            return new IdxHeader(file, magic, dims);
        } catch (EOFException e) {
            throw new DatasetFormatException(file + ": header is truncated, expected an IDX header", e);
        }
    }

    /** The IDX magic number of unsigned-byte data with {@code rank} dimensions. */
    public static int unsignedByteMagic(int rank) {
        return (UNSIGNED_BYTE << 8) | rank;
    }

    /** Fails unless every dimension after the record count equals {@code recordShape}. */
    public IdxHeader expectRecordShape(int... recordShape) {
        int[] actual = Arrays.copyOfRange(dims, 1, dims.length);
        if (!Arrays.equals(actual, recordShape)) {
            throw new DatasetFormatException(String.format(
                    "%s: record dimensions %s, expected %s", file, shape(actual), shape(recordShape)));
        }
        return this;
    }

    public int count() {
        return dims[0];
    }

    public int headerBytes() {
        return 4 + 4 * dims.length;
    }

    public int recordBytes() {
        int bytes = 1;
        for (int i = 1; i < dims.length; i++) {
            bytes = Math.multiplyExact(bytes, dims[i]);
        }
        return bytes;
    }

    /** The exact size the file must have: header plus every record. */
    public long expectedFileBytes() {
        return headerBytes() + (long) count() * recordBytes();
    }

    private static String shape(int[] dims) {
        if (dims.length == 0) {
            return "scalar";
        }
        StringBuilder s = new StringBuilder();
        for (int d : dims) {
            s.append(s.length() == 0 ? "" : "x").append(d);
        }
        return s.toString();
    }
}
