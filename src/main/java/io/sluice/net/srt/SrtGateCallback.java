package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SrtGateCallback is the {@code srt_listen_callback} upcall shared by all listeners: it finds the
 * listener by the opaque value (its socket id), asks its Gate, and sets the per-caller passphrase
 * or the reject code on the new socket.
 *
 * <p>One stub in the global arena, rather than one per listener: libsrt's receiving thread may
 * still be running the callback while the listener is closed, so a per-listener stub could be
 * freed under it. A listener closed meanwhile is simply not found, and the caller refused.
 */
final class SrtGateCallback {
    private static final Map<Integer, SrtListener> LISTENERS = new ConcurrentHashMap<>();
    private static final int ACCEPT = 0, REJECT = -1;
    private static final SrtListener.Decision WARM_UP = SrtListener.Decision.accept("", SrtOptions.defaults().latencyMs());
    private static final MemorySegment STUB = stub();

    private SrtGateCallback() {}

    private static MemorySegment stub() {
        try {
            var handle = MethodHandles.lookup().findStatic(SrtGateCallback.class, "onListen", MethodType.methodType(
                    int.class, MemorySegment.class, int.class, int.class, MemorySegment.class, MemorySegment.class));
            return Linker.nativeLinker().upcallStub(handle,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("onListen not found", e);
        }
    }

    /** Installs the callback on the listener's socket; call before srt_listen. */
    static void register(SrtListener l) throws SrtException {
        LISTENERS.put(l.id(), l);
        if (SrtNative.listenCallback(l.id(), STUB, MemorySegment.ofAddress(l.id())) == SrtNative.SRT_ERROR) {
            throw SrtException.last("srt_listen_callback");
        }
    }

    static void unregister(SrtListener l) {
        LISTENERS.remove(l.id());
    }

    /**
     * The upcall, on libsrt's receiving thread. Nothing may escape: an exception leaving an upcall
     * terminates the JVM.
     *
     * @param streamId the caller's SRTO_STREAMID, as libsrt already copied it to {@code ns}
     */
    static int onListen(MemorySegment opaque, int ns, int hsVersion, MemorySegment peerAddr, MemorySegment streamId) {
        try {
            nameUpcallThread();
            SrtListener l = LISTENERS.get((int) opaque.address());
            if (l == null) {
                return reject(ns, SrtReject.DOWN);
            }
            String sid = streamId.equals(MemorySegment.NULL) ? ""
                    : streamId.reinterpret(SrtSockOpt.MAX_STREAM_ID + 1).getString(0);
            InetSocketAddress peer = SrtSockAddr.decode(peerAddr);
            SrtListener.Decision d;
            boolean warmUp = sid.equals(SrtListener.WARM_UP_ID);
            try {
                // the listener's own warm-up call takes the accepting path, without asking the gate
                d = warmUp ? WARM_UP : l.gate().decide(sid, peer);
            } catch (RuntimeException e) {
                SrtLog.LOG.error("SRT gate of {} failed for {}", l, peer, e);
                return reject(ns, SrtReject.INTERNAL);
            }
            if (d == null) {
                SrtLog.LOG.error("SRT gate of {} returned no decision for {}", l, peer);
                return reject(ns, SrtReject.INTERNAL);
            }
            if (!d.accept()) {
                return reject(ns, d.rejectCode());
            }
            if (!d.passphrase().isEmpty()) {
                try {
                    SrtSockOpt.setString(ns, SrtNative.SRTO_PASSPHRASE, d.passphrase(), "SRTO_PASSPHRASE");
                } catch (SrtException e) {
                    SrtLog.LOG.error("SRT {}: cannot require the stream's passphrase from {}: {}", l, peer,
                            e.getMessage());
                    return reject(ns, SrtReject.INTERNAL);
                }
            }
            if (d.latencyMs() >= 0) {
                try {
                    // still before the handshake's answer: libsrt negotiates with this value
                    SrtSockOpt.setInt(ns, SrtNative.SRTO_LATENCY, d.latencyMs(), "SRTO_LATENCY");
                } catch (SrtException e) {
                    SrtLog.LOG.error("SRT {}: cannot set the stream's latency for {}: {}", l, peer, e.getMessage());
                    return reject(ns, SrtReject.INTERNAL);
                }
            }
            return warmUp ? reject(ns, SrtReject.WARM_UP) : ACCEPT;
        } catch (Throwable t) {
            SrtUpcalls.swallow("listen callback", t);
            return REJECT;
        }
    }

    /**
     * The JVM attaches libsrt's receiving thread on its first upcall and keeps it attached (as "Thread-N", with
     * no Java frames between upcalls) until libsrt ends it when the listener closes; a name says whose it is
     * in thread dumps and in the server's thread census.
     */
    private static void nameUpcallThread() {
        Thread t = Thread.currentThread();
        if (!t.getName().startsWith("sluice-")) {
            t.setName("sluice-srt-rcvq-" + t.threadId());
        }
    }

    private static int reject(int ns, int code) {
        try {
            SrtNative.setRejectReason(ns, code);
        } catch (SrtException shutDown) {
            // libsrt is shutting down: refusing without a code is all that is left to do
        }
        return REJECT;
    }
}
