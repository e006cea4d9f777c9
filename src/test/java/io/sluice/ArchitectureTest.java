package io.sluice;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
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

    /**
     * net/ holds the transports and each protocol's one stream writer, shared by local readers and forward
     * targets alike, so it sits below both and knows neither (nor what wires them).
     */
    @Test
    void transportsSitBelowServersAndTargets() {
        noClasses().that().resideInAPackage("io.sluice.net..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.forward..", "io.sluice.source..",
                        "io.sluice.path..", "io.sluice.core..", "io.sluice.api..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.sluice.stream..").should().dependOnClassesThat()
                .resideInAPackage("io.sluice.net..").check(CLASSES);
    }

    @Test
    void serversAndForwardersDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("io.sluice.server..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.forward..", "io.sluice.source..", "io.sluice.core..").check(CLASSES);
        noClasses().that().resideInAPackage("io.sluice.forward..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.source..", "io.sluice.path..", "io.sluice.core..")
                .check(CLASSES);
    }

    /**
     * source/ mirrors forward/: each protocol's pull source reuses that protocol's client in net/ and its ingest
     * mapper in protocol/, and publishes through path/ like a server's publisher; it knows no server or target.
     */
    @Test
    void sourcesReuseClientsButKnowNoServerOrTarget() {
        noClasses().that().resideInAPackage("io.sluice.source..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.forward..", "io.sluice.core..", "io.sluice.api..",
                        "io.sluice.hooks..")
                .check(CLASSES);
    }

    /** Hooks sit beside path/ and core/: they observe paths through path.PathEvents and know no protocol. */
    @Test
    void hooksKnowPathsButNoProtocol() {
        noClasses().that().resideInAPackage("io.sluice.hooks..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.server..", "io.sluice.forward..", "io.sluice.source..",
                        "io.sluice.core..", "io.sluice.api..", "io.sluice.net..", "io.sluice.protocol..",
                        "io.sluice.stream..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.sluice.path..").should().dependOnClassesThat()
                .resideInAPackage("io.sluice.hooks..").check(CLASSES);
    }

    @Test
    void metricsReadOnlyTheControlInterfaces() {
        noClasses().that().resideInAPackage("io.sluice.metrics..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.stream..", "io.sluice.protocol..", "io.sluice.server..",
                        "io.sluice.source..", "io.sluice.path..", "io.sluice.core..", "io.sluice.net..",
                        "io.netty..")
                .check(CLASSES);
    }

    @Test
    void onlyCoreWiresTheComponents() {
        noClasses().that().resideOutsideOfPackages("io.sluice.core..", "io.sluice")
                .should().dependOnClassesThat().resideInAPackage("io.sluice.core..").check(CLASSES);
    }

    /** STYLE §4: api reaches components only through interfaces — Control, Authorizer and the figure records. */
    @Test
    void apiSeesTheServerOnlyThroughControl() {
        noClasses().that().resideInAPackage("io.sluice.api..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.core..", "io.sluice.path..", "io.sluice.server..", "io.sluice.source..",
                        "io.sluice.stream..", "io.sluice.protocol..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.sluice.api..").should().dependOnClassesThat(
                resideInAPackage("io.sluice.forward..")
                        .and(not(belongToAnyOf(DestStats.class, DestState.class, TrackStatus.class))))
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("io.sluice.api..", "io.sluice.core..", "io.sluice")
                .should().dependOnClassesThat().resideInAPackage("io.sluice.api..").check(CLASSES);
    }

    /** The HTTP listener is plumbing any component may reuse: it knows none of them. */
    @Test
    void httpListenerKnowsNoComponent() {
        noClasses().that().resideInAPackage("io.sluice.net.http..").should().dependOnClassesThat()
                .resideInAnyPackage("io.sluice.api..", "io.sluice.control..", "io.sluice.auth..", "io.sluice.server..",
                        "io.sluice.forward..", "io.sluice.path..", "io.sluice.core..", "io.sluice.stream..",
                        "io.sluice.protocol..")
                .check(CLASSES);
    }

    /** The thread factory is used by every layer (STYLE §11), so it may use none of them. */
    @Test
    void threadFactoryKnowsNoComponent() {
        noClasses().that().resideInAPackage("io.sluice.threads..").should().dependOnClassesThat()
                .resideOutsideOfPackages("io.sluice.threads..", "java..", "org.slf4j..")
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.sluice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
