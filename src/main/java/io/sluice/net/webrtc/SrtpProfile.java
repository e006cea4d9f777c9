package io.sluice.net.webrtc;

import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtpPolicy;

/**
 * The DTLS-SRTP protection profiles Sluice negotiates (RFC 5764 §4.1.2, RFC 7714 §14.2), most preferred
 * first: AES-GCM costs one pass instead of AES-CTR plus HMAC-SHA1, and AES_CM_128_HMAC_SHA1_80 is the
 * profile every WebRTC stack must support.
 */
enum SrtpProfile {
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12),
    AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14);

    final int id;
    final int keyLength;
    final int saltLength;

    SrtpProfile(int id, int keyLength, int saltLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    static int[] ids() {
        SrtpProfile[] all = values();
        int[] ids = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            ids[i] = all[i].id;
        }
        return ids;
    }

    /** Ours for an id, or null for a profile we do not implement. */
    static SrtpProfile of(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    /** The policy for both SRTP and SRTCP (the same transforms, RFC 3711 §3.4). */
    SrtpPolicy policy() {
        return switch (this) {
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, 16, saltLength);
            case AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, saltLength);
        };
    }
}
