package io.sluice.net.srt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;

/**
 * Checks the Java declaration of struct CBytePerfMon against what gcc made of libsrt 1.5.1's srt.h
 * (src/test/resources/srt/cbyteperfmon-offsets.c prints offsetof of every field and sizeof).
 */
class SrtPerfMonTest {
    @Test
    void everyFieldSitsWhereTheCCompilerPutsIt() throws IOException {
        List<String> lines;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/srt/cbyteperfmon-offsets.txt"))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(lines.getFirst()).isEqualTo("sizeof " + SrtPerfMon.LAYOUT.byteSize());
        List<String> fields = lines.subList(1, lines.size());
        List<String> named = SrtPerfMon.LAYOUT.memberLayouts().stream()
                .filter(m -> m.name().isPresent()).map(m -> m.name().get()).toList();
        assertThat(named).hasSize(fields.size()).hasSize(82);
        for (String line : fields) {
            String[] f = line.split(" "); // type name offset
            long size = f[0].equals("int") ? 4 : 8;
            assertThat(SrtPerfMon.off(f[1])).as(f[1]).isEqualTo(Long.parseLong(f[2]));
            MemoryLayout m = SrtPerfMon.LAYOUT.select(MemoryLayout.PathElement.groupElement(f[1]));
            assertThat(m.byteSize()).as(f[1] + " size").isEqualTo(size);
        }
    }

    @Test
    void cStructPadsToNaturalAlignment() {
        var s = SrtPerfMon.cStruct(java.lang.foreign.ValueLayout.JAVA_INT.withName("a"),
                java.lang.foreign.ValueLayout.JAVA_LONG.withName("b"),
                java.lang.foreign.ValueLayout.JAVA_INT.withName("c"));
        assertThat(s.byteSize()).isEqualTo(24);
        assertThat(s.byteOffset(MemoryLayout.PathElement.groupElement("b"))).isEqualTo(8);
    }
}
