package io.sluice.control;

import java.time.Instant;

/**
 * ServerInfo is what {@code GET /v3/info} answers, with mediamtx's field names: the version this server runs
 * and when it started.
 *
 * @param version the build's version ("dev" when run from the classes, not the jar)
 * @param started when the server began to start
 */
public record ServerInfo(String version, Instant started) {
}
