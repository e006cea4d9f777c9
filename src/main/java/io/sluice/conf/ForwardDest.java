package io.sluice.conf;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * ForwardDest is one forward target of a path: where to push the path's stream, and how to retry.
 *
 * @param id unique within the path; derived from position and host when not written (e.g. "t0-host-8554")
 * @param url the parsed target URL
 * @param enable false keeps the target in the config but does not run it
 * @param reconnect whether to retry after a failure
 * @param reconnectDelay first retry delay, doubled (with jitter) up to reconnectMaxDelay
 * @param reconnectMaxDelay the cap of the retry delay
 * @param maxReconnectTime give up after failing this long; zero means never give up
 * @param username credentials for the target; when "", those in the URL apply
 * @param password see username
 * @param queueSize bounded queue of this target in packets; 0 means the global writeQueueSize
 * @param group failover group: targets of a path sharing it forward one at a time, in order; "" = none
 * @param when conditions under which the target forwards; {@link ForwardCondition#ALWAYS} = none
 * @param weight share of the paths this target takes in a balanced group (1..{@value #MAX_WEIGHT}): a
 *     member of weight 2 gets twice the paths of one of weight 1; no effect outside a balanced group
 */
public record ForwardDest(String id, DestUrl url, boolean enable, boolean reconnect,
                          Duration reconnectDelay, Duration reconnectMaxDelay, Duration maxReconnectTime,
                          String username, String password, RtspDestConf rtspConfig, SrtDestConf srtConfig,
                          WebrtcDestConf webrtcConfig, RtmpDestConf rtmpConfig, int queueSize, String group,
                          ForwardCondition when, int weight) {

    static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(2);
    static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);
    static final int MAX_QUEUE_SIZE = 1 << 20;
    static final int MAX_WEIGHT = 1000;
    static final String ACCEPTED_WEIGHT = "an integer 1.." + MAX_WEIGHT;
    static final String ACCEPTED_ID = "1..64 characters of A-Z a-z 0-9 _ . -";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public ForwardDest {
        checkId(Objects.requireNonNull(id, "id"));
        Objects.requireNonNull(url, "url");
        checkPositive(Objects.requireNonNull(reconnectDelay, "reconnectDelay"));
        checkMaxDelay(Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay"), reconnectDelay);
        checkNotNegative(Objects.requireNonNull(maxReconnectTime, "maxReconnectTime"));
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(rtspConfig, "rtspConfig");
        Objects.requireNonNull(srtConfig, "srtConfig");
        Objects.requireNonNull(webrtcConfig, "webrtcConfig");
        Objects.requireNonNull(rtmpConfig, "rtmpConfig");
        checkQueueSize(queueSize);
        checkGroup(Objects.requireNonNull(group, "group"));
        Objects.requireNonNull(when, "when");
        checkWeight(weight);
    }

    /** A target of weight 1. */
    public ForwardDest(String id, DestUrl url, boolean enable, boolean reconnect, Duration reconnectDelay,
            Duration reconnectMaxDelay, Duration maxReconnectTime, String username, String password,
            RtspDestConf rtspConfig, SrtDestConf srtConfig, WebrtcDestConf webrtcConfig, RtmpDestConf rtmpConfig,
            int queueSize, String group, ForwardCondition when) {
        this(id, url, enable, reconnect, reconnectDelay, reconnectMaxDelay, maxReconnectTime, username, password,
                rtspConfig, srtConfig, webrtcConfig, rtmpConfig, queueSize, group, when, 1);
    }

    static void checkWeight(int w) {
        if (w < 1 || w > MAX_WEIGHT) {
            throw new BadValue("weight " + w + " out of range", ACCEPTED_WEIGHT);
        }
    }

    /**
     * This target with its URL written differently (a variable expanded); a URL that does not parse leaves
     * the target as it is, so that its connection attempt reports the unexpanded part.
     */
    ForwardDest withUrl(String raw) {
        DestUrl next;
        try {
            next = DestUrl.parse(raw);
        } catch (BadValue e) {
            return this;
        }
        return new ForwardDest(id, next, enable, reconnect, reconnectDelay, reconnectMaxDelay, maxReconnectTime,
                username, password, rtspConfig, srtConfig, webrtcConfig, rtmpConfig, queueSize, group, when, weight);
    }

    static void checkGroup(String g) {
        if (!g.isEmpty() && !ID.matcher(g).matches()) {
            throw new BadValue("invalid group '" + g + "'", ACCEPTED_ID);
        }
    }

    /** The URL with credentials, passphrases and tokens masked: the only form of it fit for logs. */
    public String redactedUrl() {
        return Redact.url(url.raw());
    }

    static void checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new BadValue("invalid id '" + id + "'", ACCEPTED_ID);
        }
    }

    static void checkPositive(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new BadValue("duration must be positive, got " + Durations.format(d), "a duration > 0, e.g. 2s");
        }
    }

    static void checkNotNegative(Duration d) {
        if (d.isNegative()) {
            throw new BadValue("duration must not be negative", "a duration >= 0, e.g. 0s, 5m");
        }
    }

    static void checkMaxDelay(Duration max, Duration delay) {
        if (max.compareTo(delay) < 0) {
            throw new BadValue("reconnectMaxDelay " + Durations.format(max) + " is below reconnectDelay "
                    + Durations.format(delay), "a duration >= reconnectDelay");
        }
    }

    static void checkQueueSize(int n) {
        if (n < 0 || n > MAX_QUEUE_SIZE) {
            throw new BadValue("queueSize " + n + " out of range", "0 (use writeQueueSize) .. " + MAX_QUEUE_SIZE);
        }
    }

    @Override
    public String toString() {
        return "ForwardDest[id=" + id + ", url=" + redactedUrl() + ", enable=" + enable + ", reconnect=" + reconnect
                + ", reconnectDelay=" + Durations.format(reconnectDelay)
                + ", reconnectMaxDelay=" + Durations.format(reconnectMaxDelay)
                + ", maxReconnectTime=" + Durations.format(maxReconnectTime)
                + ", username=" + username + ", password=" + Redact.secret(password)
                + ", rtspConfig=" + rtspConfig + ", srtConfig=" + srtConfig + ", webrtcConfig=" + webrtcConfig
                + ", rtmpConfig=" + rtmpConfig + ", queueSize=" + queueSize + ", group=" + group + ", when=" + when + ", weight=" + weight + "]";
    }
}
