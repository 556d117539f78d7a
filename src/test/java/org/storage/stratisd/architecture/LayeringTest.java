package org.storage.stratisd.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
                        "org.storage.stratisd.dm..", "org.storage.stratisd.lifecycle..", "org.storage.stratisd.config..")
                .check(CLASSES);
    }

    @Test
    void theDbusLayerKnowsNothingOfDeviceMapperOrTheRealEngine() {
        noClasses().that().resideInAnyPackage("org.storage.stratisd.dbus..", "org.storage.stratisd.tree..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.storage.stratisd.dm..", "org.storage.stratisd.engine.strat..", "org.storage.stratisd.engine.sim..")
                .check(CLASSES);
    }

    @Test
    void theTreeDoesNotDependOnTheDbusDispatch() {
        noClasses().that().resideInAPackage("org.storage.stratisd.tree..")
                .should().dependOnClassesThat().resideInAnyPackage("org.storage.stratisd.dbus..", "org.storage.stratisd.engine..")
                .check(CLASSES);
    }
}
