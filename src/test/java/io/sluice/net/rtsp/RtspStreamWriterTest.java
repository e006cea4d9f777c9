package io.sluice.net.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.SenderClock;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RtspStreamWriter in memory: what goes out interleaved and over UDP, that a batch leaves only at
 * flush, that medias not set up are skipped, and the sender-report timer.
 */
class RtspStreamWriterTest {
    private static final StreamDesc DESC = new StreamDesc(List.of(
            new MediaDesc(MediaType.VIDEO, "trackID=0",
                    List.of(new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=1"))),
            new MediaDesc(MediaType.AUDIO, "trackID=1",
                    List.of(new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic", 48000, 1, "mode=AAC-hbr")))));

    @Test
    void interleavedPacketsLeaveAtFlushOnTheirChannels() {
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspStreamWriter w = new RtspStreamWriter(
                RtspMediaOut.interleaved(ch, new int[] {4, -1}, new int[] {5, -1}), DESC, new SenderClock(2));
        assertThat(w.pushesBack()).isTrue();
        assertThat(w.isWritable()).isTrue();
        Unit video = unit(0, 1000);
        Unit audio = unit(1, 2000);
        w.write(video);
        w.write(audio); // media 1 was not set up
        assertThat(audio.rtp().refCnt()).isEqualTo(1);
        assertThat((Object) ch.readOutbound()).as("nothing before flush").isNull();
        w.flush();
        InterleavedFrame f = ch.readOutbound();
        assertThat(f.channel()).isEqualTo(4);
        assertThat(f.payload()).isEqualTo(video.rtp());
        f.payload().release();
        assertThat((Object) ch.readOutbound()).isNull();

        w.sendReports();
        InterleavedFrame sr = ch.readOutbound();
        assertThat(sr.channel()).isEqualTo(5);
        assertThat((int) sr.payload().getUnsignedByte(1)).as("RTCP SR").isEqualTo(200);
        sr.payload().release();
        assertThat((Object) ch.readOutbound()).as("no report for a media that sent nothing").isNull();
        video.release();
        audio.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void udpMediasSharingOneSocketGoToTheirPorts() {
        EmbeddedChannel rtp = new EmbeddedChannel();
        EmbeddedChannel rtcp = new EmbeddedChannel();
        InetSocketAddress v = new InetSocketAddress("127.0.0.1", 5000);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 5002);
        RtspStreamWriter w = new RtspStreamWriter(RtspMediaOut.udp(new Channel[] {rtp, rtp},
                new Channel[] {rtcp, rtcp}, new InetSocketAddress[] {v, a},
                new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", 5001), new InetSocketAddress("127.0.0.1",
                        5003)}), DESC, new SenderClock(2));
        assertThat(w.pushesBack()).isFalse();
        Unit video = unit(0, 1000);
        Unit audio = unit(1, 2000);
        w.write(video);
        w.write(audio);
        assertThat((Object) rtp.readOutbound()).as("nothing before flush").isNull();
        w.flush();
        DatagramPacket p1 = rtp.readOutbound();
        DatagramPacket p2 = rtp.readOutbound();
        assertThat(p1.recipient()).isEqualTo(v);
        assertThat(p2.recipient()).isEqualTo(a);
        p1.release();
        p2.release();

        w.sendReports();
        DatagramPacket sr1 = rtcp.readOutbound();
        DatagramPacket sr2 = rtcp.readOutbound();
        assertThat(sr1.recipient().getPort()).isEqualTo(5001);
        assertThat(sr2.recipient().getPort()).isEqualTo(5003);
        sr1.release();
        sr2.release();
        video.release();
        audio.release();
        rtp.finishAndReleaseAll();
        rtcp.finishAndReleaseAll();
    }

    @Test
    void reportsRunOnTheLoopUntilClosed() {
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspStreamWriter w = new RtspStreamWriter(
                RtspMediaOut.interleaved(ch, new int[] {0, 2}, new int[] {1, 3}), DESC, new SenderClock(2));
        Unit video = unit(0, 1000);
        w.write(video);
        w.flush();
        ((InterleavedFrame) ch.readOutbound()).payload().release();
        w.startReports(ch.eventLoop());
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        InterleavedFrame sr = ch.readOutbound();
        assertThat(sr.channel()).isEqualTo(1);
        sr.payload().release();
        w.close();
        ch.advanceTimeBy(RtspStreamWriter.SENDER_REPORT_SECONDS, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).as("no report after close").isNull();
        video.release();
        ch.finishAndReleaseAll();
    }

    private static Unit unit(int media, long ts) {
        ByteBuf b = Unpooled.buffer(16);
        b.writeByte(0x80).writeByte(96 + media).writeShort(1).writeInt((int) ts).writeInt(0x1234 + media);
        b.writeInt(0x41000000);
        return new Unit(media, b, System.nanoTime(), false);
    }
}
