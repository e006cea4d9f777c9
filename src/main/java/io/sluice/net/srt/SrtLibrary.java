package io.sluice.net.srt;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;

/**
 * SrtLibrary finds Debian's libsrt 1.5 with {@code dlopen}, by soname, so no -dev package
 * (which only adds the unversioned {@code libsrt.so} symlink and headers) is needed at run time.
 */
final class SrtLibrary {
    /**
     * The OpenSSL build first (package libsrt1.5-openssl, what srt-tools and ffmpeg use on Debian 12),
     * the GnuTLS build as fallback: both export the same C API and struct layouts.
     */
    static final List<String> SONAMES = List.of("libsrt.so.1.5", "libsrt-gnutls.so.1.5");

    /** The loaded library and the soname it was found under. */
    record Loaded(SymbolLookup lookup, String soname) {}

    private SrtLibrary() {}

    /**
     * Opens the first soname that loads. The library is never unloaded (global arena): libsrt
     * keeps threads running that call back into the JVM.
     *
     * @throws IllegalStateException naming every soname tried and why it failed
     */
    static Loaded open() {
        return open(SONAMES);
    }

    static Loaded open(List<String> sonames) {
        List<String> failures = new ArrayList<>();
        for (String soname : sonames) {
            try {
                return new Loaded(SymbolLookup.libraryLookup(soname, Arena.global()), soname);
            } catch (IllegalArgumentException e) {
                failures.add(soname + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("libsrt not found (apt-get install libsrt1.5-openssl): "
                + String.join("; ", failures));
    }
}
