package io.sluice.protocol.mpegts;

/**
 * TsFormatException reports one malformed MPEG-TS structure (packet header, PSI section, PES header,
 * elementary-stream frame); the message names the bad value and where it was found.
 *
 * <p>It never leaves the package: {@link TsDemuxer} and {@link TsToStream} catch it, report the
 * message to their problem callback and skip the structure, because one bad packet of a live
 * contribution feed must not end the stream.
 */
final class TsFormatException extends RuntimeException {

    TsFormatException(String message) {
        super(message, null, false, false); // expected on bad input: no stack trace to fill
    }
}
