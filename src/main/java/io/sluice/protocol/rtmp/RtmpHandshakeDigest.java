package io.sluice.protocol.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RtmpHandshakeDigest computes and finds the HMAC-SHA256 digests of the de-facto "complex" RTMP
 * handshake that Flash Player and FMS introduced and FFmpeg, OBS and most servers still use.
 *
 * <p>A C1/S1 with a non-zero version field hides a 32-byte digest in its 1536 bytes. Its position
 * comes from 4 offset bytes: schema 0 has them at 8 (digest in 12..739), schema 1 at 772 (digest in
 * 776..1503). The digest is the HMAC of the other 1504 bytes, keyed with the first 30 (client) or
 * 36 (server) bytes of the well-known keys. S2/C2 end in an HMAC of their first 1504 bytes, keyed
 * with the HMAC of the peer's digest under the full key. None of this is in Adobe's published
 * spec, which describes only the plain echo handshake.
 */
final class RtmpHandshakeDigest {
    static final int DIGEST_LENGTH = 32;
    /** Size of C1, S1, C2, S2. */
    static final int PACKET_LENGTH = 1536;

    private static final byte[] KEY_SUFFIX = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, 0x4A, (byte) 0x80, 0x68, (byte) 0xBE, (byte) 0xE8,
        0x2E, 0x00, (byte) 0xD0, (byte) 0xD1, 0x02, (byte) 0x9E, 0x7E, 0x57,
        0x6E, (byte) 0xEC, 0x5D, 0x2D, 0x29, (byte) 0x80, 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, 0x36, (byte) 0xCF, (byte) 0xEB, 0x31, (byte) 0xAE,
    };
    /** "Genuine Adobe Flash Player 001" + suffix: the client's key (30 bytes for C1, all for C2). */
    static final byte[] CLIENT_KEY = withSuffix("Genuine Adobe Flash Player 001");
    /** "Genuine Adobe Flash Media Server 001" + suffix: the server's key (36 bytes for S1, all for S2). */
    static final byte[] SERVER_KEY = withSuffix("Genuine Adobe Flash Media Server 001");
    static final int CLIENT_KEY_SHORT = 30;
    static final int SERVER_KEY_SHORT = 36;

    private RtmpHandshakeDigest() {
    }

    private static byte[] withSuffix(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] k = Arrays.copyOf(t, t.length + KEY_SUFFIX.length);
        System.arraycopy(KEY_SUFFIX, 0, k, t.length, KEY_SUFFIX.length);
        return k;
    }

    /** Where the digest of {@code packet} (C1 or S1, 1536 bytes) lies in {@code schema} 0 or 1. */
    static int digestOffset(byte[] packet, int schema) {
        int base = schema == 0 ? 8 : 772;
        int sum = (packet[base] & 0xff) + (packet[base + 1] & 0xff) + (packet[base + 2] & 0xff)
                + (packet[base + 3] & 0xff);
        return sum % 728 + base + 4;
    }

    /** The HMAC of {@code packet} without the 32 bytes at {@code offset}. */
    static byte[] digestOf(byte[] packet, int offset, byte[] key, int keyLength) {
        Mac mac = hmac(key, keyLength);
        mac.update(packet, 0, offset);
        mac.update(packet, offset + DIGEST_LENGTH, PACKET_LENGTH - offset - DIGEST_LENGTH);
        return mac.doFinal();
    }

    /** The schema (0 or 1) whose digest slot holds a valid digest, or -1; schema 1 is tried first. */
    static int findDigest(byte[] packet, byte[] key, int keyLength) {
        for (int schema : new int[] {1, 0}) {
            int off = digestOffset(packet, schema);
            byte[] expected = digestOf(packet, off, key, keyLength);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, off, off + DIGEST_LENGTH))) {
                return schema;
            }
        }
        return -1;
    }

    /** Writes a valid digest into {@code packet} in {@code schema}. */
    static void sign(byte[] packet, int schema, byte[] key, int keyLength) {
        int off = digestOffset(packet, schema);
        System.arraycopy(digestOf(packet, off, key, keyLength), 0, packet, off, DIGEST_LENGTH);
    }

    /**
     * Makes the last 32 bytes of {@code response} (S2 or C2) the HMAC of its first 1504, keyed with
     * the HMAC of {@code peerDigest} under the full {@code key}.
     */
    static void signResponse(byte[] response, byte[] peerDigest, byte[] key) {
        byte[] tail = responseDigest(response, peerDigest, key);
        System.arraycopy(tail, 0, response, PACKET_LENGTH - DIGEST_LENGTH, DIGEST_LENGTH);
    }

    /** The digest {@link #signResponse} would put at the end of {@code response}. */
    static byte[] responseDigest(byte[] response, byte[] peerDigest, byte[] key) {
        byte[] derived = hmac(key, key.length).doFinal(peerDigest);
        Mac mac = hmac(derived, derived.length);
        mac.update(response, 0, PACKET_LENGTH - DIGEST_LENGTH);
        return mac.doFinal();
    }

    private static Mac hmac(byte[] key, int keyLength) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, 0, keyLength, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
