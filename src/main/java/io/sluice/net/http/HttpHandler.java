package io.sluice.net.http;

/**
 * HttpHandler answers the requests of one {@link HttpListener}. It runs on a virtual thread, so it may
 * block; the listener calls it for one request of a connection at a time.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * Answers one request. An exception it throws becomes {@code refused(500, …)} and is logged with its
     * stack; the client never sees the stack.
     */
    HttpReply handle(HttpRequest req);

    /**
     * The reply to a request the listener refuses itself: 400 (undecodable request line, headers or
     * query), 413 (body over the limit), 500 (the handler threw), 503 (closing). Plain text unless a
     * handler wants its own format, e.g. JSON errors.
     */
    default HttpReply refused(int status, String reason) {
        return HttpReply.text(status, reason);
    }
}
