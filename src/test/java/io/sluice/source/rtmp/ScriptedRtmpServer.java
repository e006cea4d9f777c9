package io.sluice.source.rtmp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.net.NetLoops;
import io.sluice.protocol.rtmp.RtmpChunkDecoder;
import io.sluice.protocol.rtmp.RtmpChunkEncoder;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpMessageType;
import io.sluice.protocol.rtmp.RtmpServerHandshaker;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ScriptedRtmpServer is a fake RTMP server for a playing client: it answers connect and createStream, and
 * answers play as its {@link Script} says, sending the media of a real FFmpeg publish capture. It records
 * what the client sent.
 */
final class ScriptedRtmpServer implements AutoCloseable {
    enum Script { PLAY, NOT_FOUND, SILENT, PLAY_THEN_STOP }

    static final int STREAM_ID = 1;

    final List<RtmpCommand> commands = new CopyOnWriteArrayList<>();
    final List<String> userControls = new CopyOnWriteArrayList<>();
    final List<RtmpMessage> media;
    private final List<Channel> children = new CopyOnWriteArrayList<>();
    private final Script script;
    private final Channel server;

    ScriptedRtmpServer(NetLoops loops, Script script) throws InterruptedException {
        this.script = script;
        this.media = captureMedia();
        server = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        children.add(c);
                        c.pipeline().addLast(new RtmpServerHandshaker(), new RtmpChunkEncoder(), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The coded video frames of the capture (not the sequence header). */
    long videoFrames() {
        return media.stream().filter(m -> m.typeId() == RtmpMessageType.VIDEO
                && m.payload().getByte(m.payload().readerIndex() + 1) == 1).count();
    }

    /** The audio, video and data messages of the FFmpeg publish capture, as a server relays them. */
    static List<RtmpMessage> captureMedia() {
        byte[] bytes;
        try (InputStream in = ScriptedRtmpServer.class.getResourceAsStream("/captures/rtmp/ffmpeg51-publish-chunks.bin")) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        dec.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = dec.readInbound()) != null; ) {
            int t = m.typeId();
            if (t == RtmpMessageType.AUDIO || t == RtmpMessageType.VIDEO || t == RtmpMessageType.DATA_AMF0) {
                out.add(new RtmpMessage(m.chunkStreamId(), t, m.timestamp(), STREAM_ID,
                        Unpooled.copiedBuffer(m.payload())));
            }
            m.release();
        }
        dec.finishAndReleaseAll();
        return out;
    }

    private final class Handler extends SimpleChannelInboundHandler<RtmpMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
            if (m.typeId() == RtmpMessageType.USER_CONTROL) {
                userControls.add(ByteBufUtil.hexDump(m.payload()));
                return;
            }
            if (m.typeId() != RtmpMessageType.COMMAND_AMF0) {
                return;
            }
            RtmpCommand c = RtmpCommand.decode(m);
            commands.add(c);
            switch (c.name()) {
                case "connect" -> {
                    ctx.write(RtmpMessage.windowAckSize(2_500_000));
                    ctx.write(RtmpMessage.setChunkSize(4096));
                    reply(ctx, new RtmpCommand("_result", c.transactionId(), Map.of("fmsVer", "FMS/3,0,1,123"),
                            RtmpCommand.status("status", "NetConnection.Connect.Success", "ok")), 0);
                }
                case "createStream" -> reply(ctx, new RtmpCommand("_result", c.transactionId(), null,
                        (double) STREAM_ID), 0);
                case "play" -> play(ctx);
                default -> { }
            }
        }

        private void play(ChannelHandlerContext ctx) {
            if (script == Script.NOT_FOUND) {
                reply(ctx, new RtmpCommand("onStatus", 0, null, RtmpCommand.status("error",
                        "NetStream.Play.StreamNotFound", "No such stream")), STREAM_ID);
                return;
            }
            ctx.write(RtmpMessage.streamBegin(STREAM_ID));
            reply(ctx, new RtmpCommand("onStatus", 0, null, RtmpCommand.status("status", "NetStream.Play.Reset",
                    "reset")), STREAM_ID);
            reply(ctx, new RtmpCommand("onStatus", 0, null, RtmpCommand.status("status", "NetStream.Play.Start",
                    "start")), STREAM_ID);
            if (script == Script.SILENT) {
                return;
            }
            // a ping request in the middle: the client must answer it
            ctx.write(RtmpMessage.userControl(RtmpMessage.EVENT_PING_REQUEST, Unpooled.buffer(4).writeInt(1234)));
            for (RtmpMessage m : media) {
                ctx.write(m.withPayload(m.payload().retainedDuplicate()));
            }
            ctx.flush();
            if (script == Script.PLAY_THEN_STOP) {
                reply(ctx, new RtmpCommand("onStatus", 0, null, RtmpCommand.status("status",
                        "NetStream.Play.UnpublishNotify", "gone")), STREAM_ID);
            }
        }

        private void reply(ChannelHandlerContext ctx, RtmpCommand c, int streamId) {
            ctx.writeAndFlush(c.encode(ctx.alloc(), streamId));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        children.forEach(c -> c.close().syncUninterruptibly());
        media.forEach(RtmpMessage::release);
    }
}
