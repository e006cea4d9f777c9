package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * ReferenceFileTest keeps the reference file, the embedded sluice.yml, and the key definitions in step: every
 * key a table defines is written there with its default, every key written there is defined, and every key
 * of a path entry, a forward target and a user is documented in its comment block.
 */
class ReferenceFileTest {

    private static final String TEXT = ConfLoader.embeddedYaml();

    private static JsonNode tree() throws ConfException {
        return ConfLoader.readTree(TEXT, ConfLoader.EMBEDDED_SOURCE);
    }

    @Test
    void everyTopLevelKeyIsWrittenWithItsDefault() throws Exception {
        JsonNode root = tree();
        for (Key<?> key : ConfLoader.TOP) {
            if (key.support() != Key.Support.USED) {
                continue; // named in the header instead (below)
            }
            assertThat(root.has(key.name())).as("sluice.yml writes %s", key.name()).isTrue();
            Problems problems = new Problems("sluice.yml");
            Object written = key.read(new ConfNode(root, "", problems));
            assertThat(problems.size()).as("%s in sluice.yml reads", key.name()).isZero();
            assertThat(written).as("sluice.yml's %s is its default", key.name()).isEqualTo(key.def());
        }
    }

    @Test
    void everyKeyWrittenIsDefined() throws Exception {
        assertThat(tree().propertyNames()).as("the top-level keys of sluice.yml")
                .containsExactlyInAnyOrderElementsOf(ConfLoader.TOP_KEYS);
    }

    @Test
    void everyComponentOfConfIsReadFromATable() throws ReflectiveOperationException {
        List<Object> fromTables = new ArrayList<>(ConfLoader.TABLES.stream().map(t -> (Object) t.defaults()).toList());
        for (var c : Conf.class.getRecordComponents()) {
            if (c.getName().equals(ConfLoader.PATHS)) {
                continue;
            }
            Object value = c.getAccessor().invoke(Conf.DEFAULT);
            assertThat(fromTables.remove(value)).as("Conf.%s is the defaults of a table in ConfLoader.TABLES",
                    c.getName()).isTrue();
        }
        assertThat(fromTables).as("tables that fill no component of Conf").isEmpty();
    }

    /**
     * The mediamtx keys Sluice loads without implementing them are too many to list one by one (about 150):
     * the header names their families and the table that holds them, with mediamtx's defaults.
     */
    @Test
    void ignoredMediamtxKeysAndOlderNamesAreNamedInTheHeader() {
        String header = TEXT.substring(0, TEXT.indexOf("# General"));
        assertThat(header).contains("io.sluice.conf.MediamtxKeys").contains("authMethod");
        for (String family : List.of("hls*", "pprof*", "playback*", "record*", "multicast*", "rpiCamera*",
                "runOnRecordSegment*", "authHTTP*", "authJWT*", "sourceRedirect", "udpMaxPayloadSize")) {
            assertThat(header).as("header names the family %s", family).contains(family);
        }
        for (Key<?> key : ConfLoader.TOP.stream().filter(k -> k.support() == Key.Support.IGNORED).toList()) {
            assertThat(MediamtxKeys.names().anyMatch(key.name()::equals) || key.name().equals("authMethod"))
                    .as("ignored key %s is a row of MediamtxKeys", key.name()).isTrue();
        }
        ConfLoader.TOP.stream().map(Key::olderName).filter(n -> !n.isEmpty())
                .forEach(older -> assertThat(TEXT).as("sluice.yml names the older name %s", older)
                        .containsPattern("\\b" + older + "\\b"));
    }

    @Test
    void everyKeyOfAPathATargetAndAUserIsDocumented() {
        String auth = section("# Authentication", "# Paths");
        String paths = section("# Path keys:", "# Forward target keys");
        String targets = section("# Forward target keys", "# BEGIN EXAMPLE");
        Stream.of(AuthConf.USER_KEYS, AuthConf.PERMISSION_KEYS).flatMap(List::stream)
                .forEach(k -> assertDocumented(auth, k));
        PathConf.KEYS.stream().map(Key::name).forEach(k -> assertDocumented(paths, k));
        Stream.of(ForwardDestReader.TARGET_KEYS, ForwardDestReader.RTSP_KEYS, ForwardDestReader.SRT_KEYS,
                ForwardDestReader.WEBRTC_KEYS, ForwardDestReader.RTMP_KEYS, ForwardCondition.KEYS)
                .flatMap(List::stream).forEach(k -> assertDocumented(targets, k));
    }

    private static String section(String from, String to) {
        int start = TEXT.indexOf(from);
        int end = TEXT.indexOf(to, start);
        assertThat(start).as("sluice.yml has %s", from).isNotNegative();
        assertThat(end).as("sluice.yml has %s after %s", to, from).isGreaterThan(start);
        return TEXT.substring(start, end);
    }

    /** A comment line that starts with the key, alone or in a list: "#   readUser, readPass:". */
    private static void assertDocumented(String section, String key) {
        assertThat(section).as("documents %s", key)
                .containsPattern("(?m)^#\\s+(\\w+, )*" + Pattern.quote(Objects.requireNonNull(key)) + "[:,]");
    }
}
