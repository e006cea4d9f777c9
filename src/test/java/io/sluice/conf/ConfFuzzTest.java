package io.sluice.conf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * ConfFuzzTest feeds fuzzer text to the YAML configuration loader, both the one that builds the
 * records ({@link ConfLoader}) and the document the API edits and saves ({@link ConfDocument}). The
 * contract: a configuration or a {@link ConfException} naming the key path, never another exception
 * (a record constructor's IllegalArgumentException escaping is a finding: it names no key).
 */
class ConfFuzzTest {

    @FuzzTest
    void yaml(byte[] data) {
        String yaml = new String(data, StandardCharsets.UTF_8);
        try {
            ConfLoader.parse(yaml, "fuzz.yml");
        } catch (ConfException expected) {
            // the documented failure
        }
        ConfDocument doc;
        try {
            doc = ConfDocument.parse(yaml, "fuzz.yml");
        } catch (ConfException expected) {
            return;
        }
        doc.redactedTree();
        try {
            // what the API's "save" writes must load again
            ConfDocument.parse(doc.yaml(false), "saved.yml");
        } catch (ConfException e) {
            throw new AssertionError("the document's own YAML does not load again: " + e.getMessage(), e);
        }
    }
}
