package io.kindling.driver.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the two kinds of {@code tensorflow.Event} protobuf messages an event file needs, by hand
 * (a few fields do not justify a protobuf dependency): the leading {@code file_version} event and
 * events holding one {@code Summary} of scalar values ({@code Summary.Value.simple_value}).
 * Field numbers from tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto.
 */
public final class EventProto {
    static final int EVENT_WALL_TIME = 1;     // double
    static final int EVENT_STEP = 2;          // int64
    static final int EVENT_FILE_VERSION = 3;  // string
    static final int EVENT_SUMMARY = 5;       // Summary
    static final int SUMMARY_VALUE = 1;       // repeated Summary.Value
    static final int VALUE_TAG = 1;           // string
    static final int VALUE_SIMPLE_VALUE = 2;  // float

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private EventProto() {
    }

    /** The first event of every file: TensorBoard checks this version string. */
    public static byte[] fileVersion(double wallTime) {
        Message event = new Message();
        event.fixed64(EVENT_WALL_TIME, Double.doubleToLongBits(wallTime));
        event.bytes(EVENT_FILE_VERSION, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        return event.toByteArray();
    }

    /** An event with one scalar, as {@code SummaryWriter.add_scalar(tag, value, step)} writes it. */
    public static byte[] scalar(double wallTime, long step, String tag, float value) {
        Message summaryValue = new Message();
        summaryValue.bytes(VALUE_TAG, tag.getBytes(StandardCharsets.UTF_8));
        summaryValue.fixed32(VALUE_SIMPLE_VALUE, Float.floatToIntBits(value));
        Message summary = new Message();
        summary.bytes(SUMMARY_VALUE, summaryValue.toByteArray());
        Message event = new Message();
        event.fixed64(EVENT_WALL_TIME, Double.doubleToLongBits(wallTime));
        event.varint(EVENT_STEP, step);
        event.bytes(EVENT_SUMMARY, summary.toByteArray());
        return event.toByteArray();
    }

    /** The protobuf wire format of the field types used here. */
    private static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(int field, long value) {
            key(field, VARINT);
            rawVarint(value);
        }

        void fixed64(int field, long bits) {
            key(field, FIXED64);
            for (int i = 0; i < 8; i++) {
                out.write((int) (bits >>> (8 * i)));
            }
        }

        void fixed32(int field, int bits) {
            key(field, FIXED32);
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i));
            }
        }

        void bytes(int field, byte[] value) {
            key(field, LENGTH_DELIMITED);
            rawVarint(value.length);
            out.writeBytes(value);
        }

        private void key(int field, int wireType) {
            rawVarint(((long) field << 3) | wireType);
        }

        private void rawVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
