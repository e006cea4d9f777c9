package io.sluice.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FlvFile reads the tags of an FLV file (as nginx-rtmp's {@code record all} writes them, one RTMP
 * message per tag), so a test can check the bytes a target received where no peer can decode them:
 * ffmpeg 5.1 does not know Enhanced RTMP.
 *
 * @see <a href="https://veovera.org/docs/enhanced/enhanced-rtmp-v2">Enhanced RTMP v2, ExVideoTagHeader</a>
 */
final class FlvFile {
    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int SCRIPT = 18;

    /** One tag: type, timestamp (ms) and body. */
    record Tag(int type, long timestamp, byte[] body) {
        /** Video tag with the E-RTMP ExVideoTagHeader: bit 0x80 of the first byte (IsExHeader). */
        boolean exVideo() {
            return type == VIDEO && body.length >= 5 && (body[0] & 0x80) != 0;
        }

        /** E-RTMP: the FourCC after the first byte ("hvc1", "av01", …); "" for a legacy tag. */
        String fourCc() {
            return exVideo() ? new String(body, 1, 4, StandardCharsets.US_ASCII) : "";
        }

        /** E-RTMP packet type (low nibble of the first byte): 0 SequenceStart, 1 CodedFrames, 3 CodedFramesX. */
        int exPacketType() {
            return body[0] & 0x0f;
        }

        /** E-RTMP frame type (bits 4-6 of the first byte): 1 keyframe, 2 inter frame. */
        int exFrameType() {
            return (body[0] >> 4) & 0x07;
        }

        /** Legacy FLV video codec id (low nibble of the first byte): 7 AVC, 12 HEVC (non-standard). */
        int legacyCodecId() {
            return body.length > 0 ? body[0] & 0x0f : -1;
        }
    }

    private FlvFile() {
    }

    /** Reads every complete tag of {@code file}; a truncated last tag (recorder killed) is left out. */
    static List<Tag> tags(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 13 || b.get(0) != 'F' || b.get(1) != 'L' || b.get(2) != 'V') {
            throw new IOException("not an FLV file: " + file);
        }
        int headerSize = b.getInt(5);
        b.position(headerSize + 4); // header, then PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        while (b.remaining() >= 11) {
            int type = b.get() & 0x1f;
            int size = u24(b);
            long ts = u24(b) | ((long) (b.get() & 0xff) << 24);
            u24(b); // stream id, always 0
            if (b.remaining() < size + 4) {
                break;
            }
            byte[] body = new byte[size];
            b.get(body);
            b.getInt(); // PreviousTagSize
            tags.add(new Tag(type, ts, body));
        }
        return tags;
    }

    private static int u24(ByteBuffer b) {
        return ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
    }
}
