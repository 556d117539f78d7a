package org.storage.stratisd.dbus;

import java.util.List;
import org.storage.stratisd.dbus.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.InterfaceDefinition.Method;

/** The ten revisions of {@code org.storage.stratis3.Report}: all identical, {@code GetReport(name)}. */
final class ReportInterfaces {

    static final String NAME = ObjectPaths.INTERFACE_PREFIX + "Report";

    private ReportInterfaces() {
    }

    static List<InterfaceDefinition> revisions(MethodBody getReport) {
        Method method = new Method("GetReport", List.of(new Arg("name", "s")),
                List.of(new Arg("result", "s"), new Arg("return_code", "q"), new Arg("return_string", "s")), getReport);
        return InterfaceDefinition.revisions(NAME, r -> List.of(method), r -> List.of());
    }
}
