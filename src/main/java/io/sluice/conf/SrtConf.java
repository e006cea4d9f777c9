package io.sluice.conf;

import java.util.List;

/**
 * SrtConf is the SRT server's settings.
 *
 * @param enabled srt: whether the SRT server runs
 * @param address listen address of the SRT server (UDP), srtAddress
 */
public record SrtConf(boolean enabled, String address) {

    static final Key<Boolean> ENABLED = Key.toggle("srt");
    static final Key<String> ADDRESS = Key.address("srtAddress", ":8890");

    static final KeyTable<SrtConf> KEYS = new KeyTable<>(List.of(ENABLED, ADDRESS), ADDRESS,
            v -> new SrtConf(v.get(ENABLED), v.get(ADDRESS)));

    public static final SrtConf DEFAULT = KEYS.defaults();

    public SrtConf {
        Addresses.check(address);
    }
}
