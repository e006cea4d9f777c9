package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.protocol.webrtc.EgressTrack;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.SenderClock;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The sender reports a WHEP reader or WHIP target gets carry the publisher's RTP↔NTP mapping: with its
 * own random timestamp offset taken out, the NTP time of the publisher's timestamps is the one the
 * publisher stated (audio 200 ms after video here), over a real DTLS-SRTP loopback.
 */
@Timeout(60)
class WebrtcSenderReportTest {
    private static final long V0 = 0xffff_0000L;
    private static final long A0 = 777L;
    private static final long VIDEO_SSRC = 0xAAAA_0001L;
    private static final long AUDIO_SSRC = 0xBBBB_0002L;
    private static WebrtcUdpMux mux;

    @BeforeAll
    static void bind() throws Exception {
        // jitsi-srtp benchmarks its AES implementations at first use (seconds on a loaded machine), as
        // the server does at start: do it before timing anything
        SrtpWarmUp.run();
        mux = new WebrtcUdpMux("127.0.0.1:0", List.of());
        mux.start();
    }

    @AfterAll
    static void unbind() {
        mux.close();
    }

    @Test
    void senderReportsCarryThePublishersMapping() throws Exception {
        Format vp8 = new Format(96, Codec.VP8, "VP8", 90000, 0, "");
        Format opus = RtpFormats.opus(111, 2);
        Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "trackID=0", List.of(vp8)),
                new MediaDesc(MediaType.AUDIO, "trackID=1", List.of(opus)))), i -> null);
        long ntpBase = ((3_900_000_000L) << 32) | 0x1234_5678L;
        long later = (long) (0.2 * 4294967296.0);
        stream.senderClock().set(0, new SenderClock.Mapping(ntpBase, V0, 90000));
        stream.senderClock().set(1, new SenderClock.Mapping(ntpBase + later, A0, 48000));

        RecordingListener sl = new RecordingListener();
        RecordingListener cl = new RecordingListener();
        WebrtcTransport server = WebrtcTransport.forServer(mux, DtlsCertificate.generate(), sl);
        WebrtcTransport client = WebrtcTransport.forClient(DtlsCertificate.generate(), List.of(), "127.0.0.1", cl);
        server.start(client.localUfrag(), client.localPwd(), client.localFingerprint(), "actpass", List.of());
        client.start(server.localUfrag(), server.localPwd(), server.localFingerprint(), "passive",
                server.localCandidates());
        WebrtcLoopbackTest.Pair p = new WebrtcLoopbackTest.Pair(server, sl, client, cl);
        DefaultEventLoop loop = new DefaultEventLoop();
        WebrtcStreamWriter writer = new WebrtcStreamWriter("[test]", p.server(), stream, loop, List.of(
                new EgressTrack(0, "0", 100, VIDEO_SSRC, vp8, false, false, false),
                new EgressTrack(1, "1", 101, AUDIO_SSRC, opus, false, false, false)), Map.of(), 256,
                LoggerFactory.getLogger(WebrtcSenderReportTest.class));
        String sent = "";
        try {
            p.s().connected.get(15, TimeUnit.SECONDS);
            p.c().connected.get(15, TimeUnit.SECONDS);
            writer.start();
            long start = System.nanoTime();
            int seq = 0;
            for (long ms = 0; ms < 2300; ms += 20) {
                if (ms % 40 == 0) {
                    stream.write(0, rtp(96, seq, V0 + ms * 90, new byte[] {0x10, 0, (byte) 0x9d, 1, 0x2a}),
                            System.nanoTime());
                }
                stream.write(1, rtp(111, seq++, A0 + ms * 48, new byte[] {(byte) 0xfc, 1}), System.nanoTime());
                stream.batchEnd();
                long due = start + (ms + 20) * 1_000_000L;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000L));
            }
            Thread.sleep(300);
            sent = writer.figures() + ", queue out " + writer.queue().packetsOut();
        } finally {
            writer.close();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            stream.close();
            p.client().close();
            p.server().close();
        }
        // our timestamp offset per SSRC: wire timestamp of the first packet minus the source's
        Map<Long, Long> offset = new HashMap<>();
        for (byte[] r : p.c().rtp) {
            ByteBuffer b = ByteBuffer.wrap(r);
            long ssrc = b.getInt(8) & 0xffffffffL;
            long ts = b.getInt(4) & 0xffffffffL;
            offset.putIfAbsent(ssrc, (ts - (ssrc == VIDEO_SSRC ? V0 : A0)) & 0xffffffffL);
        }
        assertThat(offset).as("tracks that arrived, of %d packets; sent %s", p.c().rtp.size(), sent).containsKeys(VIDEO_SSRC, AUDIO_SSRC);
        java.util.Set<Long> reported = new java.util.HashSet<>();
        for (byte[] r : p.c().rtcp) {
            ByteBuf b = Unpooled.wrappedBuffer(r);
            for (RtcpPacket pk : RtcpPacket.parseCompound(b)) {
                if (pk instanceof RtcpPacket.SenderReport sr) {
                    reported.add(sr.ssrc());
                    boolean video = sr.ssrc() == VIDEO_SSRC;
                    long sourceTs = (sr.rtpTimestamp() - offset.get(sr.ssrc())) & 0xffffffffL;
                    double ntpAtZero = seconds(sr.ntpTime())
                            - (int) (sourceTs - (video ? V0 : A0)) / (video ? 90000.0 : 48000.0);
                    assertThat(ntpAtZero - seconds(ntpBase)).as(video ? "video" : "audio")
                            .isCloseTo(video ? 0 : 0.2, Offset.offset(0.001));
                }
            }
            b.release();
        }
        assertThat(reported).as("tracks with sender reports (one a second)").containsExactlyInAnyOrder(VIDEO_SSRC,
                AUDIO_SSRC);
    }

    private static double seconds(long ntp) {
        return (ntp >>> 32) + (ntp & 0xffffffffL) / 4294967296.0;
    }

    private static ByteBuf rtp(int pt, int seq, long ts, byte[] payload) {
        ByteBuf b = Unpooled.buffer(12 + payload.length);
        b.writeByte(0x80).writeByte(0x80 | pt).writeShort(seq).writeInt((int) ts).writeInt(0x5555).writeBytes(payload);
        return b;
    }
}
