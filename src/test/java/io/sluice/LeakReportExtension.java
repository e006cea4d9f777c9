package io.sluice;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * LeakReportExtension fails every test (unit or integration) after which Netty's leak detector reported a
 * buffer that was never released, naming the leak record. It is registered for all tests through
 * META-INF/services and {@code junit.jupiter.extensions.autodetection.enabled} (junit-platform.properties).
 * A report that predates a test (the detector only reports what a GC found) is charged to the test that was
 * running, never silently dropped: the first test after a leaky one then fails with that leak's record, whose
 * access points name the code that lost it.
 *
 * <p>An explicit GC costs 0.1-0.4 s on the 2-core CI machine: after each integration test (*IT, tens of
 * seconds each) it runs one; after each unit test (over a thousand, milliseconds each) it only polls what the
 * JVM's own collections found, and runs one GC per class, whose failure then names the class.
 */
public final class LeakReportExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        LeakReports.get(); // attach the collector before the test allocates anything
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (context.getRequiredTestClass().getSimpleName().endsWith("IT")) {
            LeakReports.provoke();
        } else {
            LeakReports.poll();
        }
        check(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        LeakReports.provoke();
        check(context);
    }

    private static void check(ExtensionContext context) {
        List<String> leaks = LeakReports.get().drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak report(s) during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }
}
