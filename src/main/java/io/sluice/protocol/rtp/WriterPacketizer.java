package io.sluice.protocol.rtp;

import io.sluice.stream.Format;

/**
 * WriterPacketizer is what every packetizer here shares: its format and the {@link RtpPacketWriter}
 * that numbers its packets (and so fixes its SSRC). Subclasses only say how a unit becomes payloads.
 */
abstract class WriterPacketizer implements Packetizer {
    protected final Format format;
    protected final RtpPacketWriter writer;

    WriterPacketizer(Format format, RtpPacketWriter writer) {
        this.format = format;
        this.writer = writer;
    }

    @Override
    public final Format format() {
        return format;
    }

    @Override
    public final long ssrc() {
        return writer.ssrc();
    }
}
