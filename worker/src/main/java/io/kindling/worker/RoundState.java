package io.kindling.worker;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.Serializable;

/**
 * The model as the driver holds it at the start of an averaging round, broadcast to every worker:
 * flat parameters and updater state, the iteration count (Adam's bias correction needs it carried
 * across rounds) and the learning rate of this epoch.
 */
public record RoundState(int epoch, int round, int iteration, double learningRate, float[] params,
                         float[] updaterState) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Serialised through {@link Wire}, which writes the arrays in bulk (records cannot customise their own form). */
    private Object writeReplace() {
        return new Wire(this);
    }

    /** The serial form of a {@link RoundState}. */
    public static final class Wire implements Externalizable {
        private static final long serialVersionUID = 1L;
        private RoundState state;

        public Wire() {
        }

        Wire(RoundState state) {
            this.state = state;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeInt(state.epoch);
            out.writeInt(state.round);
            out.writeInt(state.iteration);
            out.writeDouble(state.learningRate);
            FloatArrays.write(out, state.params);
            FloatArrays.write(out, state.updaterState);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            state = new RoundState(in.readInt(), in.readInt(), in.readInt(), in.readDouble(), FloatArrays.read(in),
                    FloatArrays.read(in));
        }

        private Object readResolve() {
            return state;
        }
    }
}
