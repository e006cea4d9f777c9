package io.sluice.server.webrtc;

import io.sluice.conf.LimitsConf;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.http.HttpListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** FakeWebrtcSessions records the calls the HTTP layer makes and answers as the test sets it up. */
final class FakeWebrtcSessions implements WebrtcSessions {
    /** One call; fields a method does not take are null. */
    record Call(String method, String path, String body, WebrtcCredentials creds, String remote, String sessionId,
                String ifMatch, String thread) {
    }

    static final String ANSWER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    static final List<String> LINKS = List.of("<stun:stun.example.net:3478>; rel=\"ice-server\"",
            "<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\"; username=\"u\"; credential=\"a,b\"; "
                    + "credential-type=\"password\"");

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile WebrtcHttpException refuse;
    volatile RuntimeException crash;
    volatile WebrtcAnswer answer = new WebrtcAnswer("s1", ANSWER, "\"e1\"");
    volatile String patchReply;
    /** When set, publish and read wait on it, so a test can act while a call is in flight. */
    volatile CountDownLatch gate;
    final CountDownLatch entered = new CountDownLatch(1);
    volatile Thread blocked;

    /** The query the last publish or read was given (null: none came through the query-taking methods). */
    volatile String lastQuery;

    @Override
    public WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        lastQuery = query;
        return publish(path, offerSdp, credentials, remoteAddress);
    }

    @Override
    public WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        lastQuery = query;
        return read(path, offerSdp, credentials, remoteAddress);
    }

    @Override
    public WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException {
        return create("publish", path, offerSdp, credentials, remoteAddress);
    }

    @Override
    public WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException {
        return create("read", path, offerSdp, credentials, remoteAddress);
    }

    private WebrtcAnswer create(String method, String path, String sdp, WebrtcCredentials creds, String remote)
            throws WebrtcHttpException {
        calls.add(new Call(method, path, sdp, creds, remote, null, null, Thread.currentThread().getName()));
        CountDownLatch g = gate;
        if (g != null) {
            blocked = Thread.currentThread();
            entered.countDown();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WebrtcHttpException(503, "interrupted");
            }
        }
        fail();
        return answer;
    }

    @Override
    public String patch(String path, String sessionId, String sdpFrag, String ifMatch) throws WebrtcHttpException {
        calls.add(new Call("patch", path, sdpFrag, null, null, sessionId, ifMatch, Thread.currentThread().getName()));
        fail();
        return patchReply;
    }

    @Override
    public void delete(String path, String sessionId) throws WebrtcHttpException {
        calls.add(new Call("delete", path, null, null, null, sessionId, null, Thread.currentThread().getName()));
        fail();
    }

    @Override
    public List<String> iceServerLinks() {
        return LINKS;
    }

    private void fail() throws WebrtcHttpException {
        if (crash != null) {
            throw crash;
        }
        if (refuse != null) {
            throw refuse;
        }
    }

    /** The WebRTC HTTP listener over these fake sessions, with the default limits; not started. */
    HttpListener listener(String address, NetLoops loops) {
        return WebrtcHttpRouter.listener(address, loops, this, () -> LimitsConf.DEFAULT, new Refusals());
    }

    Call last() {
        return calls.getLast();
    }
}
