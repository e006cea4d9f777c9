package io.sluice.forward.whip;

import io.sluice.net.webrtc.WebrtcStreamWriter;
import io.sluice.stream.Unit;
import java.util.concurrent.atomic.LongAdder;

/**
 * KeyframeOnlyGate is a WHIP target's slow-link reaction on the packet path: while {@link #keyframesOnly}
 * is on, video frames that are not keyframes are dropped whole, so that what the link can carry goes to
 * the frames a decoder can use on their own; after any drop, video resumes only at the next keyframe (a
 * delta frame after a hole cannot be decoded). Audio and every other media pass untouched.
 *
 * <p>Decisions are taken per frame, at its first packet (a new RTP timestamp on the video media): a frame
 * already started is sent to its end, a dropped frame is dropped to its end, so no partial frame goes out.
 * One exception: when a frame's keyframe data starts after packets of the same timestamp that were
 * dropped (an SEI or AUD before the IDR slice), sending starts there — the decoder loses nothing it needs.
 * The writer renumbers what it sends, so the remote sees no sequence gap for dropped packets.
 *
 * <p>Threads: {@link #pass} runs on the writer's loop only (its state is the loop's); {@link #keyframesOnly}
 * is set from the link monitor's thread; counters are read from any thread.
 */
final class KeyframeOnlyGate implements WebrtcStreamWriter.UnitGate {
    private final int videoMedia;
    private volatile boolean keyframesOnly;
    private final LongAdder droppedPackets = new LongAdder();
    private final LongAdder droppedFrames = new LongAdder();
    private final LongAdder offeredBytes = new LongAdder();
    // loop-only state
    private boolean started;
    private long frameTimestamp;
    private boolean droppingFrame;
    private boolean needKeyframe;

    /** @param videoMedia the stream's keyframe media (its video), -1 when it has none: then nothing is dropped */
    KeyframeOnlyGate(int videoMedia) {
        this.videoMedia = videoMedia;
    }

    /** Switches between full frames and keyframes only; takes effect at the next frame. Any thread. */
    void keyframesOnly(boolean on) {
        keyframesOnly = on;
    }

    boolean keyframesOnly() {
        return keyframesOnly;
    }

    @Override
    public boolean pass(Unit unit) {
        offeredBytes.add(unit.size());
        if (unit.media() != videoMedia) {
            return true;
        }
        long ts = unit.timestamp();
        boolean frameStart = !started || ts != frameTimestamp;
        started = true;
        frameTimestamp = ts;
        if (frameStart) {
            droppingFrame = (keyframesOnly || needKeyframe) && !unit.keyframe();
            if (droppingFrame) {
                droppedFrames.increment();
            }
        } else if (droppingFrame && unit.keyframe()) {
            droppingFrame = false;
        }
        if (droppingFrame) {
            droppedPackets.increment();
            needKeyframe = true;
            return false;
        }
        if (unit.keyframe()) {
            needKeyframe = false;
        }
        return true;
    }

    /** Video packets dropped by this gate. */
    long droppedPackets() {
        return droppedPackets.sum();
    }

    /** Video frames dropped by this gate (each counted once, at its first packet). */
    long droppedFrames() {
        return droppedFrames.sum();
    }

    /** Bytes of every unit offered to the gate, passed or not: what the stream asks the link to carry. */
    long offeredBytes() {
        return offeredBytes.sum();
    }
}
