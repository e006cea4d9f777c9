package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.webrtc.DtlsFingerprint;
import org.junit.jupiter.api.Test;

class DtlsCertificateTest {
    @Test
    void fingerprintIsUpperCaseHexPairsOfSha256() {
        DtlsCertificate c = DtlsCertificate.generate();
        assertThat(c.fingerprintSha256()).matches("[0-9A-F]{2}(:[0-9A-F]{2}){31}");
        assertThat(DtlsCertificate.generate().fingerprintSha256()).isNotEqualTo(c.fingerprintSha256());
        // RFC 8122 §5 test vector shape: SHA-256 of the DER bytes
        assertThat(DtlsCertificate.fingerprintSha256(new byte[0]))
                .startsWith("E3:B0:C4:42:98:FC:1C:14").hasSize(95);
    }

    @Test
    void remoteFingerprintsAreParsedStrictly() throws Exception {
        assertThat(DtlsFingerprint.parse("sha-256 ab:cd:EF").checkedHash().sdp()).isEqualTo("sha-256 AB:CD:EF");
        assertThatThrownBy(() -> DtlsFingerprint.parse("AB:CD")).hasMessageContaining("\"AB:CD\"");
        assertThatThrownBy(() -> DtlsFingerprint.parse("md5x AB:CD").checkedHash()).hasMessageContaining("md5x");
    }

    @Test
    void aCertificateMatchesItsOwnFingerprintOnly() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate();
        byte[] der = c.chain(new org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto(new java.security.SecureRandom()))
                .getCertificateAt(0).getEncoded();
        DtlsFingerprint pinned = DtlsFingerprint.parse("sha-256 " + c.fingerprintSha256());
        assertThat(pinned.matches(der)).isTrue();
        assertThat(pinned.matches(new byte[] {1, 2, 3})).isFalse();
        assertThat(DtlsFingerprint.parse("sha-1 00:01").matches(der)).isFalse();
    }

    @Test
    void packetKindsFollowRfc7983() {
        assertThat(PacketKind.of(new byte[] {22, (byte) 0xFE}, 0, 2)).isEqualTo(PacketKind.DTLS);
        assertThat(PacketKind.of(new byte[] {(byte) 0x80, 96}, 0, 2)).isEqualTo(PacketKind.RTP);
        assertThat(PacketKind.of(new byte[] {(byte) 0x80, (byte) 200}, 0, 2)).isEqualTo(PacketKind.RTCP);
        assertThat(PacketKind.of(new byte[] {0, 1}, 0, 2)).isEqualTo(PacketKind.OTHER);
    }
}
