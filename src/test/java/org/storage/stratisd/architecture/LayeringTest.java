package org.storage.stratisd.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering the brief requires, checked on the compiled classes. */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.storage.stratisd");

    @Test
    void theEngineKnowsNothingOfDbusOrSpringOrTheDaemonAroundIt() {
        noClasses().that().resideInAPackage("org.storage.stratisd.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.freedesktop..", "org.springframework..", "com.sun.jna..",
                        "org.storage.stratisd.dbus..", "org.storage.stratisd.tree..", "org.storage.stratisd.udev..",
                        "org.storage.stratisd.dm..", "org.storage.stratisd.lifecycle..", "org.storage.stratisd.config..",
                        "org.storage.stratisd.kernel..")
                .check(CLASSES);
    }

    @Test
    void theKernelAdaptersImplementTheEnginesPortsAndKnowNothingElseOfTheDaemon() {
        noClasses().that().resideInAPackage("org.storage.stratisd.kernel..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.storage.stratisd..")
                        .and(JavaClass.Predicates.resideOutsideOfPackages("org.storage.stratisd.kernel..",
                                "org.storage.stratisd.engine.strat.dm..", "org.storage.stratisd.engine.strat.sys..",
                                "org.storage.stratisd.engine.strat.keys..")))
                .orShould().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.freedesktop..")
                .check(CLASSES);
    }

    @Test
    void theDbusLayerKnowsNothingOfDeviceMapperOrTheRealEngine() {
        noClasses().that().resideInAnyPackage("org.storage.stratisd.dbus..", "org.storage.stratisd.tree..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.storage.stratisd.dm..", "org.storage.stratisd.engine.strat..", "org.storage.stratisd.engine.sim..",
                        "org.storage.stratisd.kernel..")
                .check(CLASSES);
    }

    @Test
    void theTreeDoesNotDependOnTheDbusDispatch() {
        noClasses().that().resideInAPackage("org.storage.stratisd.tree..")
                .should().dependOnClassesThat().resideInAnyPackage("org.storage.stratisd.dbus..", "org.storage.stratisd.engine..")
                .check(CLASSES);
    }

    @Test
    void theWirePackageKnowsNothingOfStratis() {
        noClasses().that().resideInAPackage("org.storage.stratisd.dbus.wire..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.storage.stratisd..")
                        .and(JavaClass.Predicates.resideOutsideOfPackage("org.storage.stratisd.dbus.wire..")))
                .check(CLASSES);
    }

    @Test
    void theApiPackagesDoNotReachIntoTheWireOrTheConnection() {
        noClasses().that().resideInAPackage("org.storage.stratisd.dbus.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.storage.stratisd.dbus.wire..", "org.storage.stratisd.dbus")
                .check(CLASSES);
    }

    @Test
    void publishingDependsOnTheInterfaceModelOnlyNotOnTheObjectKinds() {
        noClasses().that().resideInAPackage("org.storage.stratisd.dbus.publish..")
                .should().dependOnClassesThat().resideInAnyPackage("org.storage.stratisd.dbus.api.*", "org.storage.stratisd.dbus")
                .check(CLASSES);
    }

    @Test
    void eachObjectKindIsARoomOfItsOwn() {
        slices().matching("org.storage.stratisd.dbus.api.(*)..").should().notDependOnEachOther()
                .ignoreDependency(DescribedPredicate.alwaysTrue(), JavaClass.Predicates.resideInAPackage("org.storage.stratisd.dbus.api.common"))
                .check(CLASSES);
    }

    @Test
    void thePackagesHaveNoImportCycles() {
        slices().matching("org.storage.stratisd.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
