package io.sluice.net.srt;

import static io.sluice.net.srt.SrtTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Gate: per-stream passphrases and access-control codes, as a caller sees them. */
@Timeout(30)
class SrtListenerTest {
    private static final String CAM_SECRET = "cam1-secret-0123";
    private final Map<String, InetSocketAddress> seen = new ConcurrentHashMap<>();

    @BeforeAll
    static void srt() {
        SrtTesting.assumeSrt();
    }

    /** cam1 needs a passphrase, open is open to all, boom is a bug in the Gate, everything else does not exist. */
    private SrtListener.Decision gate(String streamId, InetSocketAddress peer) {
        seen.put(streamId, peer);
        return switch (streamId) {
            case "cam1" -> SrtListener.Decision.accept(CAM_SECRET);
            case "open" -> SrtListener.Decision.accept("");
            case "boom" -> throw new IllegalStateException("gate bug");
            default -> SrtListener.Decision.reject(SrtReject.NOT_FOUND);
        };
    }

    private static SrtOptions caller(String streamId, String passphrase) {
        return new SrtOptions(120, passphrase, 0, streamId, 1500, 5000);
    }

    @Test
    void streamWithItsPassphraseIsAcceptedAndEncrypted() throws Exception {
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), this::gate);
                SrtSocket c = SrtSocket.connect(loopback(l.port()), caller("cam1", CAM_SECRET));
                SrtSocket s = l.accept()) {
            assertThat(s.streamId()).isEqualTo("cam1");
            assertThat(seen.get("cam1").getPort()).isEqualTo(s.peer().getPort());
            byte[] m = SrtSocketTest.message(1, 1316);
            assertThat(c.send(Unpooled.wrappedBuffer(m), 0, m.length)).isEqualTo(m.length);
            s.receiveTimeoutMs(2000);
            byte[] buf = new byte[1500];
            int n = s.receive(buf);
            assertThat(Arrays.copyOf(buf, n)).isEqualTo(m);
        }
    }

    /** A per-caller latency from the gate is what libsrt negotiates (the larger of both sides). */
    @Test
    void gateLatencyIsNegotiatedForThatCaller() throws Exception {
        SrtListener.Gate low = (sid, peer) -> SrtListener.Decision.accept("", sid.equals("low") ? 20 : -1);
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), low);
                SrtSocket c = SrtSocket.connect(loopback(l.port()),
                        SrtOptions.defaults().withStreamId("low").withLatencyMs(20));
                SrtSocket s = l.accept();
                SrtSocket c2 = SrtSocket.connect(loopback(l.port()),
                        SrtOptions.defaults().withStreamId("other").withLatencyMs(20));
                SrtSocket s2 = l.accept()) {
            assertThat(s.stats(false).latencyMs()).isEqualTo(20);
            assertThat(c.stats(false).latencyMs()).isEqualTo(20);
            assertThat(s2.stats(false).latencyMs()).isEqualTo(120); // the listener's own default wins
        }
    }

    @Test
    void wrongPassphraseIsRefusedByLibsrtAsBadSecret() throws Exception {
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), this::gate)) {
            SrtException e = catchThrowableOfType(SrtException.class,
                    () -> SrtSocket.connect(loopback(l.port()), caller("cam1", "not-the-secret")).close());
            assertThat(e.rejectReason()).isEqualTo(SrtReject.BADSECRET);
            assertThat(e.code()).isEqualTo(1002);
            assertThat(e).hasMessageContaining("rejected: BADSECRET wrong passphrase")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    @Test
    void missingPassphraseIsRefusedAsUnsecure() throws Exception {
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), this::gate)) {
            SrtException e = catchThrowableOfType(SrtException.class,
                    () -> SrtSocket.connect(loopback(l.port()), caller("cam1", "")).close());
            assertThat(SrtReject.name(e.rejectReason())).isEqualTo("UNSECURE");
        }
    }

    @Test
    void gateRejectReachesTheCallerAsItsCode() throws Exception {
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), this::gate)) {
            SrtException e = catchThrowableOfType(SrtException.class,
                    () -> SrtSocket.connect(loopback(l.port()), caller("nope", "")).close());
            assertThat(e.rejectReason()).isEqualTo(1404);
            assertThat(e).hasMessageContaining("rejected by the listener: 1404 not found");
            assertThat(seen).containsKey("nope");
        }
    }

    @Test
    void failingGateRefusesWithInternalErrorAndListenerKeepsWorking() throws Exception {
        try (SrtListener l = SrtListener.bind(loopback(0), SrtOptions.defaults(), this::gate)) {
            SrtException e = catchThrowableOfType(SrtException.class,
                    () -> SrtSocket.connect(loopback(l.port()), caller("boom", "")).close());
            assertThat(e.rejectReason()).isEqualTo(SrtReject.INTERNAL);
            try (SrtSocket c = SrtSocket.connect(loopback(l.port()), caller("open", ""));
                    SrtSocket s = l.accept()) {
                assertThat(s.streamId()).isEqualTo("open");
                assertThat(c.isBroken()).isFalse();
            }
        }
    }

    @Test
    void bindToABusyPortNamesIt() throws Exception {
        try (SrtListener l = SrtTesting.acceptAll()) {
            assertThat(l.port()).isPositive();
            InetSocketAddress busy = loopback(l.port());
            assertThatThrownBy(() -> SrtListener.bind(busy, SrtOptions.defaults(), this::gate).close())
                    .isInstanceOf(SrtException.class).hasMessageContaining(String.valueOf(l.port()));
        }
    }
}
