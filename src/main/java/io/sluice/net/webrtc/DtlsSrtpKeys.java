package io.sluice.net.webrtc;

import java.util.Arrays;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;

/**
 * The SRTP master keys and salts of both directions, exported from a finished DTLS handshake
 * (RFC 5764 §4.2: "EXTRACTOR-dtls_srtp", laid out client key | server key | client salt | server salt).
 */
record DtlsSrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    static DtlsSrtpKeys export(TlsContext context, SrtpProfile p, boolean weAreClient) {
        int k = p.keyLength;
        int s = p.saltLength;
        byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (k + s));
        byte[] clientKey = Arrays.copyOfRange(m, 0, k);
        byte[] serverKey = Arrays.copyOfRange(m, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(m, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(m, 2 * k + s, 2 * (k + s));
        Arrays.fill(m, (byte) 0);
        return weAreClient
                ? new DtlsSrtpKeys(p, clientKey, clientSalt, serverKey, serverSalt)
                : new DtlsSrtpKeys(p, serverKey, serverSalt, clientKey, clientSalt);
    }

    @Override
    public String toString() {
        return "DtlsSrtpKeys[" + profile + "]"; // never the key bytes
    }
}
