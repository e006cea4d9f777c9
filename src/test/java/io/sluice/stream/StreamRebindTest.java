package io.sluice.stream;

import static io.sluice.stream.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream taken over by a new publisher (publisherGrace): what its readers see across the gap. */
class StreamRebindTest {
    private static final long SECOND = 1_000_000_000L;

    /** Records media, sequence number and timestamp of each unit. */
    static final class Recorder implements StreamReader {
        final List<String> got = new ArrayList<>();

        @Override
        public void onUnit(Unit u) {
            got.add(u.media() + ":" + u.sequenceNumber() + "@" + u.timestamp() + (u.keyframe() ? "K" : ""));
        }
    }

    /** Counts the assemblers made and closed; keeps no packets. */
    static final class Assemblers {
        int made;
        int closed;

        Stream.AuAssembler next() {
            made++;
            return new Stream.AuAssembler() {
                @Override
                public List<AccessUnit> push(ByteBuf rtpPacket) {
                    return List.of();
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    @Test
    void readersGetNothingUntilTheNewKeyframeThenNumbersThatCarryOn() {
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null);
        Recorder r = new Recorder();
        s.addReader(r, false);
        s.write(0, rtp(96, 100, 9000, 0x65), 0);
        s.write(1, rtp(97, 500, 4800, 0x21), 0);
        s.write(0, rtp(96, 101, 12000, 0x41), 0);
        assertThat(s.cachedPackets()).isEqualTo(3);

        s.rebind(TestPackets.videoAudio());
        assertThat(s.cachedPackets()).as("the old GOP is gone").isZero();
        List<ByteBuf> dropped = List.of(rtp(96, 7, 70, 0x41), rtp(97, 8, 80, 0x21));
        s.write(0, dropped.get(0), SECOND); // a delta frame and audio before the new keyframe: dropped
        s.write(1, dropped.get(1), SECOND);
        s.write(0, rtp(96, 9, 90, 0x67), 2 * SECOND); // SPS + IDR of the new publisher, 2 s after the last
        s.write(0, rtp(96, 10, 90, 0x65), 2 * SECOND);
        s.write(1, rtp(97, 11, 96, 0x21), 2 * SECOND); // audio: its own numbering
        s.write(0, rtp(96, 12, 3090, 0x41), 2 * SECOND);

        assertThat(r.got).containsExactly("0:100@9000K", "1:500@4800", "0:101@12000",
                "0:102@" + (12000 + 2 * 90000) + "K", "0:103@" + (12000 + 2 * 90000),
                "1:501@" + (4800 + 2 * 48000), "0:105@" + (12000 + 2 * 90000 + 3000));
        assertThat(dropped).allMatch(b -> b.refCnt() == 0);

        Recorder late = new Recorder();
        s.addReader(late, true);
        assertThat(late.got).as("a reader joining after the gap starts at the new keyframe").first()
                .isEqualTo("0:102@" + (12000 + 2 * 90000) + "K");
        s.close();
    }

    @Test
    void aNewPublishersSenderReportsAreStoredInTheTimestampsReadersSee() {
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null);
        s.write(0, rtp(96, 100, 9000, 0x65), 0);
        s.senderClock().set(0, new SenderClock.Mapping(1L << 32, 9000, 90000));
        assertThat(s.senderClock().get(0).rtpTimestamp()).as("no gap: stored as given").isEqualTo(9000);

        s.rebind(TestPackets.videoAudio());
        assertThat(s.senderClock().get(0)).as("the old publisher's clock is forgotten").isNull();
        s.senderClock().set(0, new SenderClock.Mapping(5L << 32, 50, 90000));
        assertThat(s.senderClock().get(0)).as("before the new publisher's first packet: cannot be placed").isNull();

        s.write(0, rtp(96, 9, 90, 0x65), SECOND); // renumbered to 9000 + 1 s = 99000
        s.senderClock().set(0, new SenderClock.Mapping(5L << 32, 90, 90000));
        assertThat(s.senderClock().get(0).rtpTimestamp()).isEqualTo(9000 + 90000);
        assertThat(s.senderClock().get(0).ntp()).isEqualTo(5L << 32);
        s.close();
    }

    @Test
    void accessUnitAssemblersStartAfresh() {
        Assemblers a = new Assemblers();
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null, i -> a.next());
        s.addReader(new Recorder(), false, true);
        assertThat(a.made).isEqualTo(2);
        s.rebind(TestPackets.videoAudio());
        assertThat(a.closed).isEqualTo(2);
        assertThat(a.made).isEqualTo(4);
        s.close();
        assertThat(a.closed).isEqualTo(4);
    }

    @Test
    void theOldPublishersKeyframeRequesterIsDropped() {
        Stream s = new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null);
        s.setKeyframeRequester(() -> { });
        assertThat(s.requestKeyframe()).isTrue();
        s.publisherLeft();
        assertThat(s.requestKeyframe()).isFalse();
        s.close();
    }
}
