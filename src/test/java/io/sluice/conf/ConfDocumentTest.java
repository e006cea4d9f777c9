package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfDocumentTest {
    private static final String YAML = """
            # a comment
            rtspAddress: :8554
            paths:
              live/cam:
                publishPass: secret1
                forwardTargets:
                  - url: rtmp://user:pw@a.example/live/key
                  - id: b
                    url: srt://b.example:9000?streamid=x
                    srtConfig: {passphrase: longpassphrase1}
            """;

    private static ConfDocument doc() throws ConfException {
        return ConfDocument.parse(YAML, "t.yml");
    }

    @Test
    void addedTargetGetsItsDerivedIdWrittenAndValidatedLikeTheFile() throws Exception {
        ConfDocument.Added a = doc().withTarget("live/cam", Map.of("url", "rtsp://c.example/x"), "api");
        assertThat(a.id()).matches("c.example-554-[0-9a-f]{4}");
        List<ForwardDest> t = a.document().conf().pathEntry("live/cam").forwardTargets();
        assertThat(t).extracting(ForwardDest::id).endsWith(a.id());
        assertThat(a.document().yaml(false)).contains("- id: " + a.id() + "\n").doesNotContain("# a comment");
        // the earlier targets keep their ids
        assertThat(t.get(0).id()).isEqualTo(doc().conf().pathEntry("live/cam").forwardTargets().get(0).id());

        assertThatThrownBy(() -> doc().withTarget("live/cam", Map.of("url", "ftp://x", "enable", "maybe"), "api"))
                .isInstanceOf(ConfException.class)
                .satisfies(e -> assertThat(((ConfException) e).problems()).anySatisfy(p -> assertThat(p)
                        .startsWith("api: paths.live/cam.forwardTargets[2].url:"))
                        .anySatisfy(p -> assertThat(p).startsWith("api: paths.live/cam.forwardTargets[2].enable:")));
    }

    @Test
    void patchKeepsTheIdWhenTheUrlChangesAndNullRemovesKeys() throws Exception {
        ConfDocument d = doc();
        String id = d.conf().pathEntry("live/cam").forwardTargets().get(0).id();
        ConfDocument p = d.withTargetPatched("live/cam", id, Map.of("url", "rtmp://z.example/live/k", "enable", false),
                "api");
        ForwardDest t = p.conf().pathEntry("live/cam").forwardTargets().get(0);
        assertThat(t.id()).isEqualTo(id);
        assertThat(t.enable()).isFalse();
        assertThat(t.url().host()).isEqualTo("z.example");
        Map<String, Object> remove = new HashMap<>();
        remove.put("srtConfig", null);
        ConfDocument q = d.withTargetPatched("live/cam", "b", remove, "api");
        assertThat(q.conf().pathEntry("live/cam").forwardTargets().get(1).srtConfig()).isEqualTo(SrtDestConf.DEFAULT);
        assertThatThrownBy(() -> d.withTargetPatched("live/cam", "b", Map.of("id", "c"), "api"))
                .hasMessageContaining("id: cannot be changed");
    }

    @Test
    void deleteLeavesTheOthersUnchanged() throws Exception {
        ConfDocument d = doc();
        String first = d.conf().pathEntry("live/cam").forwardTargets().get(0).id();
        ConfDocument x = d.withoutTarget("live/cam", first, "api");
        assertThat(x.conf().pathEntry("live/cam").forwardTargets()).containsExactly(
                d.conf().pathEntry("live/cam").forwardTargets().get(1));
        assertThatThrownBy(() -> d.withoutTarget("live/cam", "nope", "api")).hasMessageContaining("no target with id 'nope'");
    }

    @Test
    void firstPathAddedToAnOpenConfigKeepsOtherPathsOpen() throws Exception {
        ConfDocument open = ConfDocument.parse("rtspAddress: :8554\n", "t.yml");
        ConfDocument d = open.withPath("cam", Map.of("publishUser", "u", "publishPass", "p"), "api");
        assertThat(d.conf().paths()).extracting(PathConf::name).containsExactly("cam", "all_others");
        assertThat(d.conf().pathFor("anything")).isNotNull();
        assertThatThrownBy(() -> d.withPath("cam", Map.of(), "api")).hasMessageContaining("already exists");
        assertThat(d.withoutPath("cam", "api").conf().pathEntry("cam")).isNull();
        assertThatThrownBy(() -> d.withGlobalPatched(Map.of("paths", Map.of()), "api"))
                .hasMessageContaining("not a global setting");
        assertThat(d.withGlobalPatched(Map.of("readTimeout", "3s"), "api").conf().io().readTimeout()).hasSeconds(3);
        assertThatThrownBy(() -> d.withGlobalPatched(Map.of("readTimeout", "soon"), "api"))
                .hasMessageStartingWith("api: readTimeout:");
    }

    @Test
    void redactedViewsMaskEverySecret() throws Exception {
        ConfDocument d = doc();
        String y = d.yaml(true);
        assertThat(y).doesNotContain("secret1", "pw@", "longpassphrase1").contains("***");
        assertThat(d.redactedTree().toString()).doesNotContain("secret1", "pw@", "longpassphrase1");
        assertThat(d.yaml(false)).contains("secret1", "user:pw@", "longpassphrase1");
    }

    @Test
    void saveWritesAFileThatLoadsToTheSameConfAndKeepsABackup(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sluice.yml");
        Files.writeString(f, YAML);
        ConfDocument d = ConfDocument.load(f).withTarget("live/cam", Map.of("url", "rtsp://c.example/x"), "api")
                .document();
        d.save();
        assertThat(ConfDocument.load(f).conf()).isEqualTo(d.conf());
        assertThat(Files.readString(dir.resolve("sluice.yml.bak"))).isEqualTo(YAML);
        assertThatThrownBy(() -> ConfDocument.parse(YAML, "x").save()).hasMessageContaining("no file to save to");
    }
}
