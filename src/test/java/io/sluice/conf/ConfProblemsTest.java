package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfProblemsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unknown top-level key", "rtspAdress: :8554",
                        "bad.yml: rtspAdress: unknown key; accepted: logLevel, logDestinations, logFile, rtsp, rtspAddress,"),
                Arguments.of("unknown key in a target", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: rtsp://h/x
                                reconectDelay: 2s
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].reconectDelay: unknown key; accepted: id, url, enable,"),
                Arguments.of("unknown key in a mediamtx forward entry", """
                        paths:
                          cam1:
                            forward:
                              - dest: rtmp://h/live/x
                                via: proxy
                        """,
                        "bad.yml: paths.cam1.forward[0].via: unknown key; accepted: dest"),
                Arguments.of("unknown path key", "paths:\n  cam1:\n    readPassword: x\n",
                        "bad.yml: paths.cam1.readPassword: unknown key; accepted: publishUser, publishPass,"),
                Arguments.of("wrong type", "writeQueueSize: abc",
                        "bad.yml: writeQueueSize: wrong type: expected an integer, got string 'abc'; accepted: 1..1048576"),
                Arguments.of("queue size out of range", "writeQueueSize: 0",
                        "bad.yml: writeQueueSize: writeQueueSize 0 out of range; accepted: 1..1048576"),
                Arguments.of("mapping where a scalar belongs", "logLevel: {a: 1}",
                        "bad.yml: logLevel: wrong type: expected a string, got a mapping; accepted: a string"),
                Arguments.of("bad log level", "logLevel: verbose",
                        "bad.yml: logLevel: unknown log level 'verbose'; accepted: error, warn, info, debug"),
                Arguments.of("unknown URL scheme", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: rtsp://h/a
                              - url: rtmp://h/a
                              - url: htp://h/a
                        """,
                        "bad.yml: paths.cam1.forwardTargets[2].url: unknown scheme 'htp'; accepted: rtsp, rtsps, rtmp, "
                                + "rtmps, srt, whip, whips, webrtc, http, https"),
                Arguments.of("missing url", "paths:\n  cam1:\n    forwardTargets:\n      - id: a\n",
                        "bad.yml: paths.cam1.forwardTargets[0].url: missing; accepted: rtsp,"),
                Arguments.of("bad duration", "readTimeout: 10 seconds",
                        "bad.yml: readTimeout: invalid duration '10 seconds'; accepted: integer seconds or"),
                Arguments.of("bad target duration", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: rtsp://h/a
                                reconnectDelay: 2x
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].reconnectDelay: invalid duration '2x'; accepted:"),
                Arguments.of("zero timeout", "writeTimeout: 0s",
                        "bad.yml: writeTimeout: duration must be positive, got 0s; accepted: a duration > 0"),
                Arguments.of("srt passphrase of 5 characters", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: srt://h:8890?streamid=publish:cam1
                                srtConfig:
                                  passphrase: short
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].srtConfig.passphrase: passphrase is 5 characters long; "
                                + "accepted: empty, or 10..79 characters"),
                Arguments.of("srt passphrase in the URL", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: srt://h:8890?passphrase=short
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].url: passphrase is 5 characters long;"),
                Arguments.of("srt pbkeylen", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: srt://h:8890
                                srtConfig:
                                  pbkeylen: 20
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].srtConfig.pbkeylen: invalid pbkeylen 20; "
                                + "accepted: 0, 16, 24, 32"),
                Arguments.of("duplicate ids", """
                        paths:
                          cam1:
                            forwardTargets:
                              - id: backup
                                url: rtsp://h/a
                              - id: backup
                                url: rtsp://h/b
                        """,
                        "bad.yml: paths.cam1.forwardTargets[1].id: duplicate id 'backup' "
                                + "(first used at paths.cam1.forwardTargets[0]); accepted: ids unique within a path"),
                Arguments.of("bad id", "paths:\n  cam1:\n    forwardTargets:\n      - {id: 'a b', url: rtsp://h/a}\n",
                        "bad.yml: paths.cam1.forwardTargets[0].id: invalid id 'a b'; accepted: 1..64 characters"),
                Arguments.of("bad regex", "paths:\n  \"~^cam[0-9+$\": {}\n",
                        "bad.yml: paths.~^cam[0-9+$: invalid regex: Unclosed character class"),
                Arguments.of("bad path name", "paths:\n  /cam1: {}\n",
                        "bad.yml: paths./cam1: invalid path name '/cam1' begins with '/'; accepted: a name (A-Z"),
                Arguments.of("path name with a space", "paths:\n  \"cam 1\": {}\n",
                        "bad.yml: paths.cam 1: invalid path name 'cam 1' has a space (U+0020) at offset 3; accepted:"),
                Arguments.of("path name with a control character", "paths:\n  \"cam\\t1\": {}\n",
                        "bad.yml: paths.cam\t1: invalid path name 'cam\\u00091' has a control character (U+0009) at"
                                + " offset 3; accepted:"),
                Arguments.of("path name with a non-ASCII letter", "paths:\n  caf\u00e9: {}\n",
                        "bad.yml: paths.caf\u00e9: invalid path name 'caf\u00e9' has the non-ASCII character"),
                Arguments.of("negative maxReaders", "paths:\n  cam1:\n    maxReaders: -1\n",
                        "bad.yml: paths.cam1.maxReaders: maxReaders -1 out of range; accepted: 0 (no limit)..1048576"),
                Arguments.of("all and all_others", "paths:\n  all_others: {}\n  all: {}\n",
                        "bad.yml: paths.all: 'all' repeats 'all_others'; accepted: one of all_others, all"),
                Arguments.of("bad address port", "rtspAddress: :85540",
                        "bad.yml: rtspAddress: invalid port '85540' in ':85540'; accepted: [host]:port"),
                Arguments.of("address without port", "apiAddress: localhost",
                        "bad.yml: apiAddress: address 'localhost' has no port; accepted: [host]:port"),
                Arguments.of("unbracketed IPv6", "apiAddress: \"::1:9997\"",
                        "bad.yml: apiAddress: IPv6 address in '::1:9997' must be in brackets;"),
                Arguments.of("rtsp transport quic", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: rtsp://h/a
                                rtspConfig:
                                  transport: quic
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].rtspConfig.transport: unknown transport 'quic'; "
                                + "accepted: udp, tcp, automatic"),
                Arguments.of("server transport automatic", "rtspTransports: [udp, automatic]",
                        "bad.yml: rtspTransports[1]: unknown transport 'automatic'; accepted: udp, tcp"),
                Arguments.of("bad boolean", "paths:\n  cam1:\n    forwardTargets:\n      - {url: rtsp://h/a, enable: maybe}\n",
                        "bad.yml: paths.cam1.forwardTargets[0].enable: wrong type: expected a boolean, got string "
                                + "'maybe'; accepted: yes, no, true, false"),
                Arguments.of("protocol config for another protocol", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: rtmp://h/app/key
                                srtConfig:
                                  latency: 200
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].srtConfig: only valid for srt URLs; accepted: remove"),
                Arguments.of("bad ice server", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: whip://h/whip
                                webrtcConfig:
                                  iceServers: [stun.example.com]
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].webrtcConfig.iceServers[0]: invalid ICE server "
                                + "'stun.example.com'; accepted: stun:host[:port]"),
                Arguments.of("bad server ICE server", "webrtcICEServers: [turn:h:3478]\n",
                        "bad.yml: webrtcICEServers[0]: invalid ICE server 'turn:h:3478'; accepted: stun:host[:port]"),
                Arguments.of("bad WebRTC UDP address", "webrtcLocalUDPAddress: 8189\n",
                        "bad.yml: webrtcLocalUDPAddress: "),
                Arguments.of("bad WebRTC TCP address", "webrtcLocalTCPAddress: 8189\n",
                        "bad.yml: webrtcLocalTCPAddress: "),
                Arguments.of("bad ICE transport policy", """
                        paths:
                          cam1:
                            forwardTargets:
                              - url: whip://h/whip
                                webrtcConfig:
                                  iceTransportPolicy: relayed
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].webrtcConfig.iceTransportPolicy: invalid "
                                + "iceTransportPolicy 'relayed'; accepted: all, relay"),
                Arguments.of("bad additional host", "webrtcAdditionalHosts: ['a b']\n",
                        "bad.yml: webrtcAdditionalHosts[0]: invalid additional host 'a b'"),
                Arguments.of("targets not a list", "paths:\n  cam1:\n    forwardTargets: rtsp://h/a\n",
                        "bad.yml: paths.cam1.forwardTargets: wrong type: expected a list, got string 'rtsp://h/a'"),
                Arguments.of("max delay below delay", """
                        paths:
                          cam1:
                            forwardTargets:
                              - {url: rtsp://h/a, reconnectDelay: 10s, reconnectMaxDelay: 5s}
                        """,
                        "bad.yml: paths.cam1.forwardTargets[0].reconnectMaxDelay: reconnectMaxDelay 5s is below "
                                + "reconnectDelay 10s; accepted: a duration >= reconnectDelay"),
                Arguments.of("argon2 password", """
                        authInternalUsers:
                          - user: admin
                            pass: argon2:$argon2id$v=19$m=4096,t=3,p=1$MTIzNA$abc
                            permissions: [{action: api}]
                        """,
                        "bad.yml: authInternalUsers[0].pass: argon2 hashes are not supported; accepted: a plain "
                                + "password, or sha256:BASE64 of its SHA-256 hash"),
                Arguments.of("short sha256", """
                        authInternalUsers:
                          - {user: admin, pass: "sha256:AAAA", permissions: [{action: api}]}
                        """,
                        "bad.yml: authInternalUsers[0].pass: sha256 hash is 3 bytes long, not 32;"),
                Arguments.of("sha256 not base64", """
                        authInternalUsers:
                          - {user: admin, pass: "sha256:not base64!", permissions: [{action: api}]}
                        """,
                        "bad.yml: authInternalUsers[0].pass: sha256 hash is not valid base64;"),
                Arguments.of("unknown action", """
                        authInternalUsers:
                          - user: any
                            permissions:
                              - action: read
                              - action: write
                        """,
                        "bad.yml: authInternalUsers[0].permissions[1].action: unknown action 'write'; accepted: "
                                + "publish, read, playback, api, metrics, pprof"),
                Arguments.of("missing action", "authInternalUsers:\n  - user: any\n    permissions: [{path: cam1}]\n",
                        "bad.yml: authInternalUsers[0].permissions[0].action: missing; accepted: publish, read,"),
                Arguments.of("bad ip", "authInternalUsers:\n  - {user: any, ips: [10.0.0.300]}\n",
                        "bad.yml: authInternalUsers[0].ips[0]: invalid IP address '10.0.0.300'; accepted: an IPv4 "
                                + "or IPv6 address, or a CIDR range"),
                Arguments.of("host name as ip", "authInternalUsers:\n  - {user: any, ips: [localhost]}\n",
                        "bad.yml: authInternalUsers[0].ips[0]: invalid IP address 'localhost';"),
                Arguments.of("bad prefix", "authInternalUsers:\n  - {user: any, ips: [10.0.0.0/33]}\n",
                        "bad.yml: authInternalUsers[0].ips[0]: invalid prefix length in '10.0.0.0/33'; accepted: "
                                + "0..32 after the /"),
                Arguments.of("bad permission regex", """
                        authInternalUsers:
                          - {user: any, permissions: [{action: read, path: "~^cam[0-9+$"}]}
                        """,
                        "bad.yml: authInternalUsers[0].permissions[0].path: invalid regex: Unclosed character class"),
                Arguments.of("missing user", "authInternalUsers:\n  - {pass: x, permissions: [{action: read}]}\n",
                        "bad.yml: authInternalUsers[0].user: missing; accepted: a user name, any,"),
                Arguments.of("any with a password", "authInternalUsers:\n  - {user: any, pass: x}\n",
                        "bad.yml: authInternalUsers[0].pass: user 'any' is anyone, so it cannot have a password;"),
                Arguments.of("unknown user key", "authInternalUsers:\n  - {user: any, password: x}\n",
                        "bad.yml: authInternalUsers[0].password: unknown key; accepted: user, pass, ips, permissions"),
                Arguments.of("users not a list", "authInternalUsers: {user: any}\n",
                        "bad.yml: authInternalUsers: wrong type: expected a list, got a mapping"),
                Arguments.of("authMethod jwt", "authMethod: jwt\n",
                        "bad.yml: authMethod: authMethod 'jwt' is not supported; accepted: internal"),
                Arguments.of("top level not a mapping", "- a\n- b\n",
                        "bad.yml: (top level): wrong type: expected a mapping, got a list; accepted: a mapping of keys"),
                Arguments.of("invalid YAML", "paths:\n  cam1: [\n",
                        "bad.yml: line "),
                Arguments.of("repeated key", "logLevel: info\nlogLevel: debug\n",
                        "bad.yml: line 2, column"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badConfigNamesKeyPathAndAcceptedValues(String name, String yaml, String expected) {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse(yaml, "bad.yml"));
        assertThat(e).as("%s should be rejected", name).isNotNull();
        assertThat(e.problems()).as(name).hasSize(1);
        assertThat(e.problems().getFirst()).startsWith(expected);
        assertThat(e.getMessage()).isEqualTo(e.problems().getFirst());
    }

    @Test
    void reportsEveryProblemNotOnlyTheFirst() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                writeQueueSize: abc
                paths:
                  cam1:
                    forwardTargets:
                      - url: htp://h/a
                        reconnectDelay: soon
                """, "three.yml"));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems().get(0)).startsWith("three.yml: writeQueueSize: wrong type");
        assertThat(e.problems().get(1)).startsWith("three.yml: paths.cam1.forwardTargets[0].url: unknown scheme 'htp'");
        assertThat(e.problems().get(2)).startsWith("three.yml: paths.cam1.forwardTargets[0].reconnectDelay: invalid");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void problemsNeverShowSecrets() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                paths:
                  cam1:
                    forwardTargets:
                      - url: rtsp://user:topsecret@h:99999/a
                      - url: srt://h:1?passphrase=tiny
                        srtConfig: {passphrase: tiny2}
                """, "s.yml"));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).doesNotContain("topsecret", "tiny");
    }

    @Test
    void authProblemsNeverShowPasswords() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                authInternalUsers:
                  - {user: any, pass: anysecret}
                  - {user: bob, pass: bobsecret, ips: [nowhere]}
                """, "s.yml"));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage()).doesNotContain("anysecret", "bobsecret");
    }

    @Test
    void loadNamesTheFile() {
        Path file = Path.of("src/test/resources/conf/bad-three-problems.yml");
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.load(file));
        assertThat(e.problems()).hasSize(3).allSatisfy(p -> assertThat(p).startsWith(file + ": "));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("paths.cam1.forwardTargets[1].id: duplicate id"));
    }

    @Test
    void badFilesInResourcesAreRejected() {
        for (String name : new String[] {"bad-three-problems.yml", "bad-unknown-key.yml", "bad-srt-passphrase.yml"}) {
            Path file = Path.of("src/test/resources/conf", name);
            assertThatThrownBy(() -> ConfLoader.load(file)).isInstanceOf(ConfException.class)
                    .hasMessageStartingWith(file + ": ");
        }
        assertThatThrownBy(() -> ConfLoader.load(Path.of("src/test/resources/conf/missing.yml")))
                .isInstanceOf(ConfException.class).hasMessageContaining("missing.yml: cannot read");
    }

    @Test
    void goodFileLoads() throws Exception {
        Conf conf = ConfLoader.load(Path.of("src/test/resources/conf/good.yml"));
        assertThat(conf.rtsp().address()).isEqualTo("127.0.0.1:0");
        assertThat(conf.pathFor("cam1").forwardTargets()).extracting(ForwardDest::id)
                .containsExactly("second-instance", "127.0.0.1-1935-8fb0");
    }
}
