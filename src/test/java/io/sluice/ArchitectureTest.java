package io.sluice;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package tree is the architecture: dependencies point one way,
 * {@code conf ← stream ← protocol ← server|forward ← path ← core ← Main}.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.sluice");

    @Test
    void confDependsOnNothingElseOfSluice() {
        noClasses().that().resideInAPackage("io.sluice.conf..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.stream..", "io.sluice.protocol..", "io.sluice.server..",
                        "io.sluice.forward..", "io.sluice.path..", "io.sluice.core..", "io.sluice.net..",
                        "io.sluice.auth..")
                .check(CLASSES);
    }

    @Test
    void authDependsOnlyOnConf() {
        noClasses().that().resideInAPackage("io.sluice.auth..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.stream..", "io.sluice.protocol..", "io.sluice.server..",
                        "io.sluice.forward..", "io.sluice.path..", "io.sluice.core..", "io.sluice.net..",
                        "io.sluice.control..")
                .check(CLASSES);
    }

    @Test
    void streamCoreKnowsNoProtocol() {
        noClasses().that().resideInAPackage("io.sluice.stream..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.protocol..", "io.sluice.server..", "io.sluice.forward..",
                        "io.sluice.path..", "io.sluice.core..")
                .check(CLASSES);
    }

    @Test
    void protocolsAreBytesInValuesOut() {
        noClasses().that().resideInAPackage("io.sluice.protocol..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.forward..", "io.sluice.path..",
                        "io.sluice.core..", "io.sluice.net..", "io.sluice.conf..")
                .check(CLASSES);
    }

    @Test
    void serversAndForwardersDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("io.sluice.server..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.forward..", "io.sluice.core..").check(CLASSES);
        noClasses().that().resideInAPackage("io.sluice.forward..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.path..", "io.sluice.core..").check(CLASSES);
    }

    @Test
    void onlyCoreWiresTheComponents() {
        noClasses().that().resideOutsideOfPackages("io.sluice.core..", "io.sluice")
                .should().dependOnClassesThat().resideInAPackage("io.sluice.core..").check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.sluice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
