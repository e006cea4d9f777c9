package io.sluice.protocol.mpegts;

/**
 * TsMuxException says why an access unit cannot be put into MPEG-TS (a frame too large for its
 * header's length field, a malformed audio frame header), naming the value; the unit is dropped and
 * nothing of it has been written.
 */
public final class TsMuxException extends RuntimeException {
    public TsMuxException(String message) {
        super(message);
    }
}
