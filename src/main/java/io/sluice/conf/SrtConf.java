package io.sluice.conf;

import java.util.List;

/**
 * SrtConf is the SRT server's settings.
 *
 * @param address listen address of the SRT server (UDP), srtAddress
 */
public record SrtConf(String address) {

    static final Key<String> ADDRESS = Key.address("srtAddress", ":8890");

    static final KeyTable<SrtConf> KEYS = new KeyTable<>(List.of(ADDRESS), ADDRESS, v -> new SrtConf(v.get(ADDRESS)));

    public static final SrtConf DEFAULT = KEYS.defaults();

    public SrtConf {
        Addresses.check(address);
    }
}
