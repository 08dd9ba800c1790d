package io.kindling.driver.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TensorFlow's record framing, which TensorBoard's event files use: per record a little-endian
 * uint64 length, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data.
 */
public final class TfRecordWriter {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecordWriter() {
    }

    public static void write(OutputStream out, byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(crc(length));
        out.write(data);
        out.write(crc(data));
    }

    /** The masked CRC32C as 4 little-endian bytes. */
    private static byte[] crc(byte[] bytes) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc32c(bytes)).array();
    }

    /** TensorFlow masks the CRC (rotate right by 15, add a constant) so CRCs of CRCs stay well spread. */
    public static int maskedCrc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }
}
