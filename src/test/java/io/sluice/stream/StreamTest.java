package io.sluice.stream;

import static io.sluice.stream.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTest {

    /** Records what it gets, keeping references so refcounts can be checked. */
    static final class Recorder implements StreamReader {
        final List<Integer> seqs = new ArrayList<>();
        final List<Boolean> keyframes = new ArrayList<>();
        int batches;

        @Override
        public void onUnit(Unit unit) {
            seqs.add(unit.sequenceNumber());
            keyframes.add(unit.keyframe());
        }

        @Override
        public void onBatchEnd() {
            batches++;
        }
    }

    private static Stream stream() {
        return new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null);
    }

    @Test
    void fansOutToEveryReaderAndReleasesThePacket() {
        Stream s = stream();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        s.addReader(a, false);
        s.addReader(b, false);
        ByteBuf p = rtp(97, 1, 0, 0x21);
        s.write(1, p, System.nanoTime());
        s.batchEnd();
        assertThat(a.seqs).containsExactly(1);
        assertThat(b.seqs).containsExactly(1);
        assertThat(a.batches).isEqualTo(1);
        assertThat(p.refCnt()).as("audio is not cached without a keyframe").isZero();
        assertThat(s.bytesIn()).isEqualTo(16);
        s.close();
    }

    @Test
    void lateReaderStartsAtTheLastKeyframeWithItsParameterSets() {
        Stream s = stream();
        // GOP 1: SPS, IDR at ts 1000; delta frames; GOP 2: SPS, IDR at ts 4000, a delta, audio.
        int seq = 0;
        s.write(0, rtp(96, seq++, 1000, 0x67), 0);
        s.write(0, rtp(96, seq++, 1000, 0x65), 0);
        s.write(0, rtp(96, seq++, 2000, 0x41), 0);
        s.write(1, rtp(97, 100, 500, 0x21), 0);
        s.write(0, rtp(96, seq++, 3000, 0x41), 0);
        s.write(0, rtp(96, seq++, 4000, 0x67), 0); // seq 4: SPS of the new keyframe
        s.write(1, rtp(97, 101, 600, 0x21), 0);
        s.write(0, rtp(96, seq++, 4000, 0x65), 0); // seq 5: IDR
        s.write(0, rtp(96, seq++, 5000, 0x41), 0);
        Recorder late = new Recorder();
        s.addReader(late, true);
        assertThat(late.seqs).as("replay starts with the SPS that precedes the IDR").containsExactly(4, 101, 5, 6);
        assertThat(late.keyframes).containsExactly(true, false, false, false)
                .as("the SPS packet is the first keyframe packet of its access unit");
        s.write(0, rtp(96, seq++, 6000, 0x41), 0);
        assertThat(late.seqs).containsExactly(4, 101, 5, 6, 7);
        s.close();
        assertThat(s.cachedPackets()).isZero();
    }

    @Test
    void readerWithoutKeyframeStartGetsOnlyLivePackets() {
        Stream s = stream();
        s.write(0, rtp(96, 1, 1000, 0x65), 0);
        Recorder r = new Recorder();
        s.addReader(r, false);
        s.write(0, rtp(96, 2, 2000, 0x41), 0);
        assertThat(r.seqs).containsExactly(2);
        s.close();
    }

    @Test
    void cacheReleasesOldGopsSoNothingLeaks() {
        Stream s = stream();
        List<ByteBuf> all = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            ByteBuf p = rtp(96, i, i * 3000L, i % 30 == 0 ? 0x65 : 0x41);
            all.add(p);
            s.write(0, p, 0);
        }
        assertThat(s.cachedPackets()).isEqualTo(30);
        s.close();
        assertThat(all).allSatisfy(p -> assertThat(p.refCnt()).isZero());
    }

    @Test
    void hugeGopIsNotCached() {
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null, i -> null,
                new io.sluice.conf.GopCacheConf(16 * 100, java.time.Duration.ofSeconds(12)));
        s.write(0, rtp(96, 0, 0, 0x65), 0);
        for (int i = 1; i <= 110; i++) {
            s.write(0, rtp(96, i & 0xffff, i, 0x41), 0);
        }
        assertThat(s.cachedPackets()).isZero();
        Recorder r = new Recorder();
        s.addReader(r, true);
        assertThat(r.seqs).isEmpty();
        s.close();
    }

    @Test
    void shortAndOutOfRangePacketsAreDroppedAndReleased() {
        Stream s = stream();
        Recorder r = new Recorder();
        s.addReader(r, false);
        ByteBuf tiny = io.netty.buffer.Unpooled.buffer(4).writeInt(1);
        s.write(0, tiny, 0);
        ByteBuf bad = rtp(96, 1, 0, 0x65);
        s.write(7, bad, 0);
        assertThat(r.seqs).isEmpty();
        assertThat(tiny.refCnt()).isZero();
        assertThat(bad.refCnt()).isZero();
        s.close();
    }

    /** Test assembler: every packet is one access unit holding a copy of its payload. */
    static final class CopyAssembler implements Stream.AuAssembler {
        int pushed;
        boolean closed;

        @Override
        public List<AccessUnit> push(ByteBuf rtp) {
            pushed++;
            ByteBuf payload = rtp.copy(rtp.readerIndex() + 12, rtp.readableBytes() - 12);
            return List.of(new AccessUnit(rtp.getUnsignedInt(rtp.readerIndex() + 4), List.of(payload), false));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Records the access units it gets, retaining nothing. */
    static final class AuRecorder implements StreamReader {
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void onUnit(Unit unit) {
            unit.accessUnits().forEach(au -> timestamps.add(au.rtpTimestamp()));
        }
    }

    @Test
    void accessUnitsAreBuiltOnlyOnceAReaderNeedsThemAndCoverTheCachedGop() {
        CopyAssembler video = new CopyAssembler();
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null,
                i -> i == 0 ? video : null);
        s.write(0, rtp(96, 1, 1000, 0x65), 0);
        s.write(0, rtp(96, 2, 2000, 0x41), 0);
        assertThat(video.pushed).as("no reader needs access units yet").isZero();
        AuRecorder a = new AuRecorder();
        AuRecorder b = new AuRecorder();
        s.addReader(a, true, true);
        s.addReader(b, true, true);
        ByteBuf live = rtp(96, 3, 3000, 0x41);
        s.write(0, live, 0);
        assertThat(a.timestamps).containsExactly(1000L, 2000L, 3000L);
        assertThat(b.timestamps).containsExactly(1000L, 2000L, 3000L);
        assertThat(video.pushed).as("depacketized once per stream, not per reader").isEqualTo(3);
        assertThat(live.refCnt()).as("held by the GOP cache").isOne();
        s.close();
        assertThat(live.refCnt()).isZero();
        assertThat(video.closed).isTrue();
    }

    @Test
    void sourceAccessUnitRidesOnItsLastPacketAndIsReleasedWithIt() {
        Stream s = stream();
        AuRecorder r = new AuRecorder();
        s.addReader(r, false, true);
        ByteBuf frame = io.netty.buffer.Unpooled.buffer(4).writeInt(7);
        ByteBuf p1 = rtp(97, 1, 500, 0x21);
        ByteBuf p2 = rtp(97, 2, 500, 0x21);
        StreamReader lastOnly = unit -> assertThat(unit.accessUnits().isEmpty()).isEqualTo(unit.sequenceNumber() == 1);
        s.addReader(lastOnly, false);
        s.write(1, List.of(p1, p2), new AccessUnit(500, List.of(frame), true), 0);
        assertThat(r.timestamps).containsExactly(500L);
        assertThat(frame.refCnt()).as("audio is not cached: released after fan-out").isZero();
        assertThat(p2.refCnt()).isZero();
        s.close();
    }
}
