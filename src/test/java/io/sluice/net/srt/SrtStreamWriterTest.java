package io.sluice.net.srt;

import static io.sluice.net.srt.SrtTesting.acceptAll;
import static io.sluice.net.srt.SrtTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * SrtStreamWriter over a loopback SRT pair: the stream's access units leave as MPEG-TS in live-mode
 * messages of {@link SrtSocket#LIVE_PAYLOAD} bytes, and what is left of a batch leaves at its end.
 */
@Timeout(30)
class SrtStreamWriterTest {
    private static final Format AAC = new Format(97, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 48000, 2,
            "mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=1190");
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @BeforeAll
    static void srt() {
        SrtTesting.assumeSrt();
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** An AAC frame riding on one RTP packet, as an RTMP or MPEG-TS source writes it. */
    private static void aacFrame(Stream stream, int i) {
        long ts = i * 1024L;
        ByteBuf rtp = Unpooled.buffer(16).writeShort(0x8061).writeShort(i).writeInt((int) ts).writeInt(7).writeInt(0);
        byte[] frame = new byte[300];
        frame[0] = (byte) i;
        stream.write(0, List.of(rtp), new AccessUnit(ts, List.of(Unpooled.wrappedBuffer(frame)), true),
                i * 21_333_333L);
    }

    @Test
    void sendsFullLiveMessagesAndTheRestOfABatchAtItsEnd() throws Exception {
        Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.AUDIO, "", List.of(AAC)))),
                i -> null);
        try (SrtListener l = acceptAll();
                SrtSocket receiver = SrtSocket.connect(loopback(l.port()), SrtOptions.defaults());
                SrtSocket sender = l.accept()) {
            SrtStreamWriter writer = new SrtStreamWriter("[test]", sender, stream, loop, 512, Duration.ofSeconds(5),
                    LoggerFactory.getLogger(SrtStreamWriterTest.class));
            try {
                assertThat(writer.mapper().carriesAnything()).isTrue();
                loop.submit(writer::start).get();
                sendAndReceive(stream, receiver);
                assertThat(writer.failure()).isNull();
                assertThat(writer.queue().dropped()).isZero();
            } finally {
                writer.close();
                loop.submit(() -> { }).get(); // the writer frees its buffer on the loop
            }
        } finally {
            stream.close();
        }
    }

    /** Writes 20 frames in one batch on the loop and checks the messages that arrive. */
    private void sendAndReceive(Stream stream, SrtSocket receiver) throws Exception {
        // on the loop, as a publisher on the same event loop writes: units go out inline
        loop.submit(() -> {
            for (int i = 0; i < 20; i++) {
                aacFrame(stream, i);
            }
            stream.batchEnd();
        }).get();

        receiver.receiveTimeoutMs(3000);
        byte[] buf = new byte[SrtSocket.MAX_PAYLOAD];
        List<Integer> sizes = new ArrayList<>();
        ByteBuf ts = Unpooled.buffer();
        try {
            int n;
            while ((n = receiver.receive(buf)) > 0) {
                sizes.add(n);
                ts.writeBytes(buf, 0, n);
                receiver.receiveTimeoutMs(300);
            }
            // 20 PES of 300+ bytes plus PSI: several full messages, then the batch's rest
            assertThat(sizes).hasSizeGreaterThan(2);
            assertThat(sizes.subList(0, sizes.size() - 1)).allSatisfy(
                    s -> assertThat(s).isEqualTo(SrtSocket.LIVE_PAYLOAD));
            assertThat(sizes.getLast()).isBetween(188, SrtSocket.LIVE_PAYLOAD);
            assertThat(ts.readableBytes() % 188).isZero();
            for (int at = 0; at < ts.readableBytes(); at += 188) {
                assertThat(ts.getByte(at)).as("sync byte at %d", at).isEqualTo((byte) 0x47);
            }
        } finally {
            ts.release();
        }
    }
}
