package io.sluice.forward.whip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyframe-only drop policy over unit sequences: whole frames, resume at a keyframe, audio untouched. */
class KeyframeOnlyGateTest {
    private static final int VIDEO = 0;
    private static final int AUDIO = 1;
    private final KeyframeOnlyGate gate = new KeyframeOnlyGate(VIDEO);
    private final List<String> passed = new ArrayList<>();

    /** Offers a frame of {@code packets} video units with timestamp {@code ts}; the first is a keyframe unit if asked. */
    private void frame(long ts, int packets, boolean key) {
        for (int i = 0; i < packets; i++) {
            offer(VIDEO, ts, key && i == 0, "v" + ts + "." + i);
        }
    }

    private void offer(int media, long ts, boolean key, String label) {
        ByteBuf rtp = Unpooled.buffer(13).writeByte(0x80).writeByte(96).writeShort(1).writeInt((int) ts).writeInt(1)
                .writeByte(0);
        Unit u = new Unit(media, rtp, 0, key);
        try {
            if (gate.pass(u)) {
                passed.add(label);
            }
        } finally {
            u.release();
        }
    }

    @Test
    void passesEverythingOnAGoodLink() {
        frame(0, 2, true);
        frame(3000, 2, false);
        offer(AUDIO, 10, false, "a");
        assertThat(passed).containsExactly("v0.0", "v0.1", "v3000.0", "v3000.1", "a");
        assertThat(gate.droppedPackets()).isZero();
        assertThat(gate.offeredBytes()).isEqualTo(5 * 13);
    }

    @Test
    void keyframesOnlyDropsDeltaFramesWholeAndKeepsAudio() {
        frame(0, 1, true);
        frame(3000, 2, false);
        gate.keyframesOnly(true);
        frame(6000, 3, false);
        offer(AUDIO, 20, false, "a1");
        frame(9000, 2, true);
        frame(12000, 2, false);
        offer(AUDIO, 40, false, "a2");
        assertThat(passed).containsExactly("v0.0", "v3000.0", "v3000.1", "a1", "v9000.0", "v9000.1", "a2");
        assertThat(gate.droppedFrames()).isEqualTo(2);
        assertThat(gate.droppedPackets()).isEqualTo(5);
    }

    @Test
    void switchingMidFrameFinishesThatFrame() {
        frame(0, 1, true);
        offer(VIDEO, 3000, false, "v3000.0");
        gate.keyframesOnly(true);
        offer(VIDEO, 3000, false, "v3000.1");
        frame(6000, 1, false);
        assertThat(passed).containsExactly("v0.0", "v3000.0", "v3000.1");
    }

    @Test
    void afterRecoveryVideoWaitsForTheNextKeyframe() {
        frame(0, 1, true);
        gate.keyframesOnly(true);
        frame(3000, 1, false);
        gate.keyframesOnly(false);
        frame(6000, 1, false); // a delta frame after a hole: useless to a decoder
        frame(9000, 1, true);
        frame(12000, 1, false);
        assertThat(passed).containsExactly("v0.0", "v9000.0", "v12000.0");
        assertThat(gate.droppedFrames()).isEqualTo(2);
    }

    @Test
    void keyframeDataAfterLeadingUnitsOfTheSameFrameIsSent() {
        frame(0, 1, true);
        gate.keyframesOnly(true);
        offer(VIDEO, 3000, false, "sei");
        offer(VIDEO, 3000, true, "idr.0");
        offer(VIDEO, 3000, false, "idr.1");
        assertThat(passed).containsExactly("v0.0", "idr.0", "idr.1");
    }

    @Test
    void aStreamWithoutVideoIsNeverDropped() {
        KeyframeOnlyGate audioOnly = new KeyframeOnlyGate(-1);
        audioOnly.keyframesOnly(true);
        ByteBuf rtp = Unpooled.buffer(12).writeByte(0x80).writeByte(111).writeShort(1).writeInt(0).writeInt(1);
        Unit u = new Unit(0, rtp, 0, false);
        assertThat(audioOnly.pass(u)).isTrue();
        u.release();
    }
}
