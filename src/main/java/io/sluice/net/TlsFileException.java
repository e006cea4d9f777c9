package io.sluice.net;

import java.io.IOException;

/**
 * TlsFileException is a TLS key or certificate file that a listener cannot use. The message names the
 * setting and the file's path and says what is wrong with it; it never quotes the file's contents.
 */
public final class TlsFileException extends IOException {
    private final String setting;
    private final String file;

    TlsFileException(String setting, String file, String problem) {
        super(setting + " '" + file + "': " + problem);
        this.setting = setting;
        this.file = file;
    }

    /** The configuration key that names the file, e.g. rtspServerKey. */
    public String setting() {
        return setting;
    }

    /** The file's path as configured. */
    public String file() {
        return file;
    }
}
