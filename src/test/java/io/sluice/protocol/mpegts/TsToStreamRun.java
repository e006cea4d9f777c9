package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TsToStreamRun feeds a capture through {@link TsToStream} into a real {@link Stream} the way the SRT
 * server does (probe until ready or expired, desc, start, write), with a reader that records what
 * every reader would get: the RTP packets and the access units riding on them. Test-only.
 */
final class TsToStreamRun {

    /** An access unit as a reader got it. */
    record Au(long timestamp, int ptsOffset, boolean keyframe, List<byte[]> units) {
        byte[] joined() {
            return TsTestData.concat(units);
        }
    }

    final List<String> problems = new ArrayList<>();
    final Map<Integer, List<Au>> aus = new HashMap<>();
    final Map<Integer, List<byte[]>> rtp = new HashMap<>();
    final Map<Integer, List<Au>> depacketized = new HashMap<>();
    /** A fresh allocator per run: its metric shows whether every buffer came back. */
    final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    StreamDesc desc;
    String skipped;
    boolean probeReady;
    long problemCount;

    static TsToStreamRun of(byte[] ts, int chunk) {
        TsToStreamRun r = new TsToStreamRun();
        r.run(ts, chunk);
        return r;
    }

    private void run(byte[] ts, int chunk) {
        Stream[] stream = {null};
        Depacketizer[] depacketizers = {};
        try (TsToStream in = new TsToStream(alloc, problems::add)) {
            Depacketizer[][] holder = {depacketizers};
            TsTestData.feed(ts, chunk, b -> {
                if (stream[0] != null) {
                    in.write(stream[0], b, System.nanoTime());
                    return;
                }
                probeReady = in.probe(b, System.nanoTime());
                if (probeReady || in.probeExpired()) {
                    desc = in.desc();
                    holder[0] = new Depacketizer[desc.medias().size()];
                    for (int i = 0; i < holder[0].length; i++) {
                        holder[0][i] = Depacketizer.forFormat(desc.medias().get(i).format(), alloc);
                    }
                    stream[0] = streamFor(desc);
                    Depacketizer[] dp = holder[0];
                    stream[0].addReader(u -> record(u, dp), false);
                    in.start(stream[0]);
                }
            });
            depacketizers = holder[0];
            skipped = in.skipped();
            problemCount = in.problems();
        } finally {
            if (stream[0] != null) {
                stream[0].close();
            }
            for (Depacketizer d : depacketizers) {
                if (d != null) {
                    d.close();
                }
            }
        }
    }

    static Stream streamFor(StreamDesc desc) {
        return new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        });
    }

    private void record(Unit u, Depacketizer[] depacketizers) {
        rtp.computeIfAbsent(u.media(), m -> new ArrayList<>()).add(ByteBufUtil.getBytes(u.rtp()));
        for (AccessUnit au : u.accessUnits()) {
            aus.computeIfAbsent(u.media(), m -> new ArrayList<>()).add(copy(au));
        }
        if (depacketizers[u.media()] != null) {
            for (AccessUnit au : depacketizers[u.media()].push(u.rtp())) {
                depacketized.computeIfAbsent(u.media(), m -> new ArrayList<>()).add(copy(au));
                au.release();
            }
        }
    }

    private static Au copy(AccessUnit au) {
        List<byte[]> units = new ArrayList<>();
        for (ByteBuf b : au.units()) {
            units.add(ByteBufUtil.getBytes(b));
        }
        return new Au(au.rtpTimestamp(), au.ptsOffset(), au.keyframe(), units);
    }

    /** Bytes still allocated after the run: 0 when every buffer was released. */
    long unreleasedBytes() {
        return alloc.metric().usedHeapMemory();
    }

    List<Au> aus(int media) {
        return aus.getOrDefault(media, List.of());
    }

    /** RTP timestamp of a recorded packet. */
    static long timestamp(byte[] rtpPacket) {
        return ((rtpPacket[4] & 0xffL) << 24) | ((rtpPacket[5] & 0xff) << 16) | ((rtpPacket[6] & 0xff) << 8)
                | (rtpPacket[7] & 0xff);
    }
}
