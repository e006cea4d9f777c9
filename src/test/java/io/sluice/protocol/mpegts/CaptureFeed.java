package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.Captures;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.protocol.rtp.Pcap;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CaptureFeed replays the real RTP captures (src/test/resources/captures/rtp) into a real
 * {@link Stream}, several captures as the medias of one stream, each capture repeated as often as
 * wanted with sequence numbers, timestamps and arrival times carried on, so that a mapper sees a
 * live stream of a few seconds. Test-only.
 */
final class CaptureFeed {

    /** One RTP packet of one media and when it arrived (ns, relative to the start). */
    record Packet(int media, byte[] rtp, long nanos) {
    }

    private CaptureFeed() {
    }

    static Format format(String capture, Codec codec) {
        return Captures.format(capture, codec);
    }

    /** The packets of a capture as media {@code media}, played {@code loops} times in a row. */
    static List<Packet> load(String capture, Codec codec, int media, int loops) {
        List<Pcap.Datagram> d = Captures.rtpDatagrams(capture);
        int clock = format(capture, codec).clockRate();
        long firstTs = ts(d.getFirst().payload());
        long lastTs = firstTs;
        long step = 0;
        for (Pcap.Datagram p : d) {
            long t = ts(p.payload());
            step = Math.max(step, t - lastTs);
            lastTs = t;
        }
        long tsSpan = lastTs - firstTs + step;
        long nanosSpan = tsSpan * 1_000_000_000L / clock;
        long firstMicros = d.getFirst().timeMicros();
        List<Packet> out = new ArrayList<>();
        for (int loop = 0; loop < loops; loop++) {
            for (int i = 0; i < d.size(); i++) {
                byte[] rtp = d.get(i).payload().clone();
                ByteBuf b = Unpooled.wrappedBuffer(rtp);
                b.setShort(2, b.getUnsignedShort(2) + loop * d.size());
                b.setInt(4, (int) (b.getUnsignedInt(4) + loop * tsSpan));
                out.add(new Packet(media, rtp, (d.get(i).timeMicros() - firstMicros) * 1000 + loop * nanosSpan));
            }
        }
        return out;
    }

    private static long ts(byte[] rtp) {
        return Unpooled.wrappedBuffer(rtp).getUnsignedInt(4);
    }

    /** Several medias' packets in arrival order. */
    @SafeVarargs
    static List<Packet> merge(List<Packet>... medias) {
        List<Packet> all = new ArrayList<>();
        for (List<Packet> m : medias) {
            all.addAll(m);
        }
        all.sort(Comparator.comparingLong(Packet::nanos));
        return all;
    }

    static StreamDesc desc(Format... formats) {
        List<MediaDesc> m = new ArrayList<>();
        for (int i = 0; i < formats.length; i++) {
            m.add(new MediaDesc(formats[i].codec().isVideo() ? MediaType.VIDEO : MediaType.AUDIO, "trackID=" + i,
                    List.of(formats[i])));
        }
        return new StreamDesc(m);
    }

    /** A stream as servers build it: keyframe detectors and, for readers that need them, depacketizers. */
    static Stream stream(StreamDesc desc) {
        return new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        }, i -> Depacketizer.forFormat(desc.medias().get(i).format()));
    }

    /** Writes the packets into the stream, arrival times offset by {@code startNanos}; returns the buffers. */
    static List<ByteBuf> play(Stream s, List<Packet> packets, long startNanos) {
        List<ByteBuf> written = new ArrayList<>();
        for (Packet p : packets) {
            ByteBuf b = Unpooled.wrappedBuffer(p.rtp().clone());
            written.add(b);
            s.write(p.media(), b, startNanos + p.nanos());
        }
        return written;
    }

    /** The access units the depacketizer of a format makes of the packets, as NAL/frame byte arrays. */
    static List<List<byte[]>> depacketized(Format f, List<Packet> packets) {
        List<List<byte[]>> out = new ArrayList<>();
        try (Depacketizer d = Depacketizer.forFormat(f)) {
            for (Packet p : packets) {
                ByteBuf b = Unpooled.wrappedBuffer(p.rtp());
                for (var au : d.push(b)) {
                    out.add(au.units().stream().map(ByteBufUtil::getBytes).toList());
                    au.release();
                }
                b.release();
            }
        }
        return out;
    }
}
