package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class TlsServerConfTest {

    @Test
    void defaultsAreOffWithMediamtxsRtspsPort() {
        Conf d = ConfLoader.defaults();
        assertThat(d.rtsp()).isEqualTo(RtspConf.DEFAULT);
        assertThat(d.rtsp().rtspsAddress()).isEqualTo(":8322");
        assertThat(d.rtsp().tls().encryption()).isEqualTo(Encryption.NO);
        assertThat(d.api().tls()).isEqualTo(TlsServerConf.OFF);
        assertThat(d.metrics().tls()).isEqualTo(TlsServerConf.OFF);
        assertThat(d.webrtc().tls()).isEqualTo(TlsServerConf.OFF);
        assertThat(d.rtmp().tls()).isEqualTo(TlsServerConf.OFF);
    }

    @Test
    void mediamtxNamesAreRead() throws Exception {
        Conf t = ConfLoader.parse("""
                rtspEncryption: optional
                rtspsAddress: 127.0.0.1:18322
                rtspServerKey: /k.pem
                rtspServerCert: /c.pem
                apiEncryption: yes
                apiServerKey: /ak.pem
                apiServerCert: /ac.pem
                metricsEncryption: true
                metricsServerKey: /mk.pem
                metricsServerCert: /mc.pem
                webrtcEncryption: no
                """, "t.yml");
        assertThat(t.rtsp().tls()).isEqualTo(new TlsServerConf(Encryption.OPTIONAL, "/k.pem", "/c.pem"));
        assertThat(t.rtsp().rtspsAddress()).isEqualTo("127.0.0.1:18322");
        assertThat(t.api().tls()).isEqualTo(new TlsServerConf(Encryption.STRICT, "/ak.pem", "/ac.pem"));
        assertThat(t.metrics().tls()).isEqualTo(new TlsServerConf(Encryption.STRICT, "/mk.pem", "/mc.pem"));
        assertThat(t.webrtc().tls()).isEqualTo(TlsServerConf.OFF);
    }

    @Test
    void olderRtspNamesAreAliases() throws Exception {
        Conf t = ConfLoader.parse("encryption: strict\nserverKey: /k.pem\nserverCert: /c.pem\n", "t.yml");
        assertThat(t.rtsp().tls()).isEqualTo(new TlsServerConf(Encryption.STRICT, "/k.pem", "/c.pem"));
        // both names with one value is fine (a mediamtx.yml half-migrated)
        Conf both = ConfLoader.parse("""
                encryption: "no"
                rtspEncryption: false
                serverKey: /k.pem
                rtspServerKey: /k.pem
                """, "t.yml");
        assertThat(both.rtsp().tls()).isEqualTo(new TlsServerConf(Encryption.NO, "/k.pem", ""));
    }

    @Test
    void bothNamesWithDifferentValuesIsAnError() {
        ConfException e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("""
                serverKey: /old.pem
                rtspServerKey: /new.pem
                """, "bad.yml"));
        assertThat(e.getMessage()).isEqualTo("bad.yml: serverKey: 'serverKey' (the older name of rtspServerKey) says"
                + " '/old.pem' but rtspServerKey says '/new.pem'; accepted: only rtspServerKey, or both with one value");
    }

    @Test
    void encryptionWithoutFilesNamesTheKeys() {
        ConfException e = catchThrowableOfType(ConfException.class,
                () -> ConfLoader.parse("rtspEncryption: strict\nrtspServerKey: /k.pem\n", "bad.yml"));
        assertThat(e.getMessage()).isEqualTo("bad.yml: rtspEncryption: rtspEncryption 'strict' needs rtspServerKey"
                + " and rtspServerCert; accepted: PEM file paths for both");
        e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("metricsEncryption: yes\n", "bad.yml"));
        assertThat(e.getMessage()).contains("metricsEncryption 'strict' needs metricsServerKey and metricsServerCert");
    }

    @Test
    void httpServersTakeMediamtxsYesNo() {
        ConfException e = catchThrowableOfType(ConfException.class,
                () -> ConfLoader.parse("apiEncryption: optional\n", "bad.yml"));
        assertThat(e.getMessage()).isEqualTo("bad.yml: apiEncryption: unknown apiEncryption 'optional'; accepted: no, yes");
        e = catchThrowableOfType(ConfException.class, () -> ConfLoader.parse("rtspEncryption: maybe\n", "bad.yml"));
        assertThat(e.getMessage())
                .isEqualTo("bad.yml: rtspEncryption: unknown rtspEncryption 'maybe'; accepted: no, optional, strict");
    }

    @Test
    void rtmpEncryptionKeepsItsValues() throws Exception {
        assertThat(ConfLoader.parse("rtmpEncryption: no", "t.yml").rtmp().tls().encryption()).isEqualTo(Encryption.NO);
        Conf c = ConfLoader.parse("rtmpEncryption: optional\nrtmpServerKey: k\nrtmpServerCert: c\n", "t.yml");
        assertThat(c.rtmp().tls()).isEqualTo(new TlsServerConf(Encryption.OPTIONAL, "k", "c"));
    }
}
