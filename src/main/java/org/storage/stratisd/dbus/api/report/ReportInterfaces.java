package org.storage.stratisd.dbus.api.report;

import java.util.List;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.api.common.Args;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.common.Results;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;

/**
 * The ten revisions of {@code org.storage.stratis3.Report} on the root object: all identical,
 * {@code GetReport(name)}, of which {@code stopped_pools} is the one report name upstream knows.
 */
public final class ReportInterfaces {

    /** The interface name without revision. */
    public static final String NAME = ObjectPaths.INTERFACE_PREFIX + "Report";

    private ReportInterfaces() {
    }

    /**
     * The Report revisions as served.
     *
     * @param engine    the engine
     * @param mutations reads it under read-all
     * @return r0 to r9
     */
    public static List<InterfaceDefinition> served(Engine engine, Mutations mutations) {
        Method method = new Method("GetReport", List.of(new Arg("name", "s")),
                List.of(new Arg("result", "s"), new Arg("return_code", "q"), new Arg("return_string", "s")),
                (call, args) -> getReport(engine, mutations, args));
        return InterfaceDefinition.revisions(NAME, r -> List.of(method), r -> List.of());
    }

    /**
     * The Report revisions as the root publishes them: no properties.
     *
     * @return r0 to r9 without methods
     */
    public static List<InterfaceDefinition> schema() {
        return InterfaceDefinition.revisions(NAME, r -> List.of(), r -> List.of());
    }

    private static Object[] getReport(Engine engine, Mutations mutations, Object[] args) {
        String name = Args.string(args[0]);
        if (!name.equals("stopped_pools")) {
            return Results.failed("", "Report name " + name + " not understood");
        }
        try {
            return Results.ok(mutations.readAll(engine::stoppedPoolsReport));
        } catch (EngineException e) {
            return Results.failed("", e.getMessage());
        }
    }
}
