package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class TlsConfTest {

    @Test
    void defaultsAreOffWithMediamtxsRtspsPort() {
        TlsConf d = ConfLoader.defaults().tls();
        assertThat(d).isEqualTo(TlsConf.DEFAULT);
        assertThat(d.rtspsAddress()).isEqualTo(":8322");
        assertThat(d.rtsp().encryption()).isEqualTo(Encryption.NO);
        assertThat(d.api()).isEqualTo(TlsServerConf.OFF);
    }

    @Test
    void mediamtxNamesAreRead() throws Exception {
        TlsConf t = ConfLoader.parse("""
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
                """, "t.yml").tls();
        assertThat(t).isEqualTo(new TlsConf(new TlsServerConf(Encryption.OPTIONAL, "/k.pem", "/c.pem"),
                "127.0.0.1:18322", new TlsServerConf(Encryption.STRICT, "/ak.pem", "/ac.pem"),
                new TlsServerConf(Encryption.STRICT, "/mk.pem", "/mc.pem"), TlsServerConf.OFF));
    }

    @Test
    void olderRtspNamesAreAliases() throws Exception {
        TlsConf t = ConfLoader.parse("encryption: strict\nserverKey: /k.pem\nserverCert: /c.pem\n", "t.yml").tls();
        assertThat(t.rtsp()).isEqualTo(new TlsServerConf(Encryption.STRICT, "/k.pem", "/c.pem"));
        // both names with one value is fine (a mediamtx.yml half-migrated)
        TlsConf both = ConfLoader.parse("""
                encryption: "no"
                rtspEncryption: false
                serverKey: /k.pem
                rtspServerKey: /k.pem
                """, "t.yml").tls();
        assertThat(both.rtsp()).isEqualTo(new TlsServerConf(Encryption.NO, "/k.pem", ""));
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
        assertThat(ConfLoader.parse("rtmpEncryption: no", "t.yml").rtmpEncryption()).isEqualTo(Encryption.NO);
        Conf c = ConfLoader.parse("rtmpEncryption: optional\nrtmpServerKey: k\nrtmpServerCert: c\n", "t.yml");
        assertThat(c.rtmpEncryption()).isEqualTo(Encryption.OPTIONAL);
    }
}
