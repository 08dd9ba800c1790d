package io.kindling.driver.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TensorBoard event file from the format's specification alone, sharing no code with the
 * writer: TFRecord framing (uint64 length, masked CRC32C of the length, data, masked CRC32C of the
 * data; the CRC computed here bit by bit from the Castagnoli polynomial) and the protobuf wire
 * format of tensorflow.Event / Summary / Summary.Value.
 */
final class TfEventReader {
    record Value(String tag, float simpleValue) {
    }

    record Event(double wallTime, long step, String fileVersion, List<Value> values) {
    }

    private TfEventReader() {
    }

    static List<Event> read(byte[] file) throws IOException {
        List<Event> events = new ArrayList<>();
        for (byte[] data : records(file)) {
            events.add(event(data));
        }
        return events;
    }

    /** The data of every record, each CRC checked. */
    static List<byte[]> records(byte[] file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 12) {
                throw new IOException("truncated record header at " + in.position());
            }
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            int lengthCrc = in.getInt();
            if (lengthCrc != masked(crc32c(lengthBytes))) {
                throw new IOException("bad length CRC at " + (in.position() - 12));
            }
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (length < 0 || length + 4 > in.remaining()) {
                throw new IOException("truncated record at " + (in.position() - 12));
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            if (in.getInt() != masked(crc32c(data))) {
                throw new IOException("bad data CRC at record " + records.size());
            }
            records.add(data);
        }
        return records;
    }

    /** CRC-32C, reflected polynomial 0x82F63B78, initial value and final xor all ones. */
    static int crc32c(byte[] bytes) {
        int crc = 0xFFFFFFFF;
        for (byte b : bytes) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    static int masked(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    private static Event event(byte[] data) throws IOException {
        Wire w = new Wire(data);
        double wallTime = 0;
        long step = 0;
        String fileVersion = null;
        List<Value> values = new ArrayList<>();
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (field == 1 && type == 1) {
                wallTime = Double.longBitsToDouble(w.fixed64());
            } else if (field == 2 && type == 0) {
                step = w.varint();
            } else if (field == 3 && type == 2) {
                fileVersion = new String(w.bytes(), StandardCharsets.UTF_8);
            } else if (field == 5 && type == 2) {
                values.addAll(summary(w.bytes()));
            } else {
                w.skip(type);
            }
        }
        return new Event(wallTime, step, fileVersion, values);
    }

    private static List<Value> summary(byte[] data) throws IOException {
        Wire w = new Wire(data);
        List<Value> values = new ArrayList<>();
        while (w.more()) {
            long key = w.varint();
            if (key == ((1 << 3) | 2)) {
                values.add(value(w.bytes()));
            } else {
                w.skip((int) (key & 7));
            }
        }
        return values;
    }

    private static Value value(byte[] data) throws IOException {
        Wire w = new Wire(data);
        String tag = null;
        float simple = Float.NaN;
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (field == 1 && type == 2) {
                tag = new String(w.bytes(), StandardCharsets.UTF_8);
            } else if (field == 2 && type == 5) {
                simple = Float.intBitsToFloat(w.fixed32());
            } else {
                w.skip(type);
            }
        }
        return new Value(tag, simple);
    }

    /** The protobuf wire format: varints, little-endian fixed widths, length-delimited bytes. */
    private static final class Wire {
        private final byte[] data;
        private int pos;

        Wire(byte[] data) {
            this.data = data;
        }

        boolean more() {
            return pos < data.length;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= data.length) {
                    throw new IOException("truncated varint");
                }
                byte b = data[pos++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException("varint too long");
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (data[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        int fixed32() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (data[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        byte[] bytes() throws IOException {
            int n = (int) varint();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(data, pos, n);
            pos += n;
            return out.toByteArray();
        }

        void skip(int type) throws IOException {
            switch (type) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> bytes();
                case 5 -> pos += 4;
                default -> throw new IOException("unknown wire type " + type);
            }
        }
    }
}
