package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.stream.StreamDesc;

/**
 * SourceFeed is a path's door for its own pull source: the one publisher a pulling path takes (every other
 * publisher is refused, see {@link PathManager#checkPublish}).
 */
public interface SourceFeed {

    /**
     * Makes the source the path's publisher, as a protocol server's publisher is made.
     *
     * @param loop the event loop the source's packets arrive on
     * @param who e.g. "rtspSource rtsp://camera/stream" (credentials redacted), for logs
     * @throws PathException when the path is closing or still has another publisher
     */
    Publisher publish(StreamDesc desc, EventLoop loop, String who) throws PathException;
}
