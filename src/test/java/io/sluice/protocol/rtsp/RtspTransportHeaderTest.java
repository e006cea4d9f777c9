package io.sluice.protocol.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.rtsp.RtspTransportHeader.Lower;
import io.sluice.protocol.rtsp.RtspTransportHeader.Mode;
import io.sluice.protocol.rtsp.RtspTransportHeader.PortRange;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtspTransportHeaderTest {

    private static RtspTransportHeader t(Lower lower, PortRange interleaved, PortRange client, PortRange server,
            Long ssrc, Mode mode, List<String> other) {
        return new RtspTransportHeader("RTP/AVP", lower, false, null, null, interleaved, client, server, ssrc, mode, other);
    }

    /** name, header value, parsed, canonical format. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ffmpeg51 record tcp", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
                        t(Lower.TCP, new PortRange(0, 1), null, null, null, Mode.RECORD, List.of()),
                        "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record"),
                Arguments.of("ffmpeg51 record udp", "RTP/AVP/UDP;unicast;client_port=12044-12045;mode=record",
                        t(Lower.UDP, null, new PortRange(12044, 12045), null, null, Mode.RECORD, List.of()),
                        "RTP/AVP;unicast;client_port=12044-12045;mode=record"),
                Arguments.of("gstreamer122 rtspclientsink", "RTP/AVP/TCP;unicast;interleaved=2-3;mode=RECORD",
                        t(Lower.TCP, new PortRange(2, 3), null, null, null, Mode.RECORD, List.of()),
                        "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record"),
                Arguments.of("gstreamer122 rtspserver tcp reply",
                        "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=ECB2EBE7;mode=\"PLAY\"",
                        t(Lower.TCP, new PortRange(0, 1), null, null, 0xECB2EBE7L, Mode.PLAY, List.of()),
                        "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=ECB2EBE7;mode=play"),
                Arguments.of("gstreamer122 rtspserver udp reply",
                        "RTP/AVP;unicast;client_port=7226-7227;server_port=38126-38127;ssrc=6D318288;mode=\"PLAY\"",
                        t(Lower.UDP, null, new PortRange(7226, 7227), new PortRange(38126, 38127), 0x6D318288L,
                                Mode.PLAY, List.of()),
                        "RTP/AVP;unicast;client_port=7226-7227;server_port=38126-38127;ssrc=6D318288;mode=play"),
                Arguments.of("gstreamer122 rtspsrc", "RTP/AVP;unicast;client_port=32868-32869",
                        t(Lower.UDP, null, new PortRange(32868, 32869), null, null, null, List.of()),
                        "RTP/AVP;unicast;client_port=32868-32869"),
                Arguments.of("quirk: missing unicast, single port", "RTP/AVP;client_port=5000",
                        t(Lower.UDP, null, new PortRange(5000, 5001), null, null, null, List.of()),
                        "RTP/AVP;unicast;client_port=5000-5001"),
                Arguments.of("quirk: Hikvision ssrc padded with spaces",
                        "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF",
                        t(Lower.TCP, new PortRange(0, 1), null, null, 0xD93FFL, null, List.of()),
                        "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=000D93FF"),
                Arguments.of("quirk: lower case, spaces", " rtp/avp/tcp ; unicast ; interleaved=4-5 ; mode=\"record\"",
                        t(Lower.TCP, new PortRange(4, 5), null, null, null, Mode.RECORD, List.of()),
                        "RTP/AVP/TCP;unicast;interleaved=4-5;mode=record"),
                Arguments.of("multicast with ttl and port",
                        "RTP/AVP;multicast;destination=224.2.0.1;ttl=16;port=5004-5005",
                        new RtspTransportHeader("RTP/AVP", Lower.UDP, true, "224.2.0.1", null, null, null, null, null,
                                null, List.of("ttl=16", "port=5004-5005")),
                        "RTP/AVP;multicast;destination=224.2.0.1;ttl=16;port=5004-5005"),
                Arguments.of("source and destination", "RTP/AVP;unicast;source=10.0.0.1;destination=10.0.0.2;client_port=1-2",
                        new RtspTransportHeader("RTP/AVP", Lower.UDP, false, "10.0.0.2", "10.0.0.1", null,
                                new PortRange(1, 2), null, null, null, List.of()),
                        "RTP/AVP;unicast;destination=10.0.0.2;source=10.0.0.1;client_port=1-2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesAndFormats(String name, String header, RtspTransportHeader expected, String canonical) {
        RtspTransportHeader parsed = RtspTransportHeader.parse(header);
        assertThat(parsed).isEqualTo(expected);
        assertThat(parsed.format()).isEqualTo(canonical);
        assertThat(RtspTransportHeader.parse(canonical)).isEqualTo(expected);
        assertThat(RtspTransportHeader.parseAll(header)).containsExactly(expected);
    }

    @Test
    void parsesAllAlternativesInOrder() {
        // the comma inside a quoted value must not split alternatives
        String h = "RTP/AVP/TCP;unicast;interleaved=0-1;mode=\"PLAY\";x-note=\"a,b\",RTP/AVP;unicast;client_port=5000-5001";
        List<RtspTransportHeader> all = RtspTransportHeader.parseAll(h);
        assertThat(all).extracting(RtspTransportHeader::lower).containsExactly(Lower.TCP, Lower.UDP);
        assertThat(RtspTransportHeader.formatAll(all))
                .isEqualTo("RTP/AVP/TCP;unicast;interleaved=0-1;x-note=\"a,b\";mode=play,RTP/AVP;unicast;client_port=5000-5001");
    }

    @Test
    void buildsServerAnswers() {
        assertThat(RtspTransportHeader.interleaved(2, Mode.RECORD).format())
                .isEqualTo("RTP/AVP/TCP;unicast;interleaved=2-3;mode=record");
        assertThat(RtspTransportHeader.udp(new PortRange(5000, 5001), null).withServerPort(new PortRange(8000, 8001))
                .withSsrc(1L).format()).isEqualTo("RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;ssrc=00000001");
        assertThat(RtspTransportHeader.parse("RTP/AVP").modeOrDefault()).isEqualTo(Mode.PLAY);
    }

    static Stream<Arguments> badCases() {
        return Stream.of(
                Arguments.of("RTP/AVP/XYZ;unicast", "invalid lower transport \"XYZ\""),
                Arguments.of("RTP", "invalid transport \"RTP\""),
                Arguments.of("RTP/AVP;client_port=abc", "invalid client_port \"abc\""),
                Arguments.of("RTP/AVP/TCP;interleaved=0-300", "invalid interleaved \"0-300\""),
                Arguments.of("RTP/AVP;mode=teleport", "invalid mode \"teleport\""),
                Arguments.of("", "empty Transport header"));
    }

    @ParameterizedTest
    @MethodSource("badCases")
    void rejectsBadTransports(String header, String message) {
        assertThatThrownBy(() -> RtspTransportHeader.parseAll(header))
                .isInstanceOfSatisfying(RtspProtocolException.class,
                        e -> assertThat(e.status()).isEqualTo(RtspStatus.UNSUPPORTED_TRANSPORT))
                .hasMessageContaining(message);
    }

    @Test
    void parsesSessionHeader() {
        assertThat(RtspSessionHeader.parse("12345678;timeout=60")).isEqualTo(new RtspSessionHeader("12345678", 60));
        assertThat(RtspSessionHeader.parse("ZX++sWoonKHyf7x9")).isEqualTo(new RtspSessionHeader("ZX++sWoonKHyf7x9", -1));
        assertThat(RtspSessionHeader.parse(" abc ; Timeout = 30 ;foo=bar").format()).isEqualTo("abc;timeout=30");
        assertThatThrownBy(() -> RtspSessionHeader.parse(";timeout=5")).isInstanceOf(RtspProtocolException.class);
        assertThatThrownBy(() -> RtspSessionHeader.parse("a;timeout=x")).isInstanceOf(RtspProtocolException.class)
                .hasMessageContaining("\"x\"");
    }
}
