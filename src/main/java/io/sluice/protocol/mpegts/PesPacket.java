package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * PesPacket is one complete PES packet of an elementary stream: its time stamps and its data.
 *
 * <p>Ownership: the packet owns one reference to {@link #data()}; whoever receives it calls
 * {@link #release()} once, after taking retained slices of what it keeps.
 *
 * @param pid the PID it came on
 * @param pts presentation time stamp (33 bits of 90 kHz) or {@link PesHeader#NONE}
 * @param dts decoding time stamp or {@link PesHeader#NONE}
 * @param data the elementary stream bytes, the PES header stripped (readable bytes)
 * @param randomAccess the adaptation field of its first packet had random_access_indicator set
 */
record PesPacket(int pid, long pts, long dts, ByteBuf data, boolean randomAccess) {

    void release() {
        data.release();
    }
}
