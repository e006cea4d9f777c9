package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.SessionInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {

    @Test
    void registersListsCountsKicksAndForgets() {
        AtomicLong now = new AtomicLong(1000);
        SessionRegistry r = new SessionRegistry(() -> Instant.ofEpochSecond(now.getAndIncrement()));
        AtomicLong bytes = new AtomicLong(10);
        AtomicInteger kicks = new AtomicInteger();
        SessionRegistry.Registration pub = r.register("rtsp", SessionRegistry.Role.PUBLISH, "cam1", "127.0.0.1:5000",
                "alice", bytes::get, kicks::incrementAndGet);
        SessionRegistry.Registration read = r.register("webrtc", SessionRegistry.Role.READ, "cam1", "[::1]:6000", "",
                () -> 7, () -> { });

        assertThat(r.list()).extracting(SessionInfo::id).containsExactly(pub.id(), read.id());
        SessionInfo p = r.publisher("cam1");
        assertThat(p).isEqualTo(new SessionInfo(pub.id(), "rtsp", "publish", "cam1", "127.0.0.1:5000", "alice",
                Instant.ofEpochSecond(1000), 10));
        bytes.set(99);
        assertThat(r.publisher("cam1").bytes()).as("bytes read live").isEqualTo(99);
        assertThat(r.readers("cam1")).isEqualTo(1);
        assertThat(r.readers("cam2")).isZero();
        assertThat(r.publisher("cam2")).isNull();

        assertThat(r.kick(pub.id())).isTrue();
        assertThat(kicks).hasValue(1);
        assertThat(r.kick("nope")).isFalse();
        pub.close();
        pub.close();
        assertThat(r.list()).extracting(SessionInfo::id).containsExactly(read.id());
        assertThat(r.kick(pub.id())).isFalse();
        read.close();
        assertThat(r.list()).isEmpty();
    }

    @Test
    void remoteAddressesLookTheSameForEveryProtocol() {
        assertThat(SessionRegistry.remote(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 1935)))
                .isEqualTo("127.0.0.1:1935");
        assertThat(SessionRegistry.remote(new InetSocketAddress(InetAddress.ofLiteral("::1"), 8554)))
                .isEqualTo("[0:0:0:0:0:0:0:1]:8554");
        assertThat(SessionRegistry.remote(InetSocketAddress.createUnresolved("host", 1))).isEqualTo("host/<unresolved>:1");
    }

    @Test
    void idsAreUnique() {
        SessionRegistry r = new SessionRegistry(InstantSource.system());
        for (int i = 0; i < 1000; i++) {
            r.register("rtmp", SessionRegistry.Role.READ, "p", "a:1", "", () -> 0, () -> { });
        }
        assertThat(r.list()).hasSize(1000);
        assertThat(r.readers("p")).isEqualTo(1000);
    }
}
