package org.storage.stratisd.testsupport;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.Variant;

/**
 * Clients of the daemon on a bus: a dbus-java client connection, and the external command-line
 * clients {@code busctl} and {@code gdbus}.
 */
public final class BusClient implements AutoCloseable {

    public static final String NAME = "org.storage.stratis3";
    public static final String ROOT = "/org/storage/stratis3";
    public static final String MANAGER_R9 = "org.storage.stratis3.Manager.r9";
    public static final String CREATE_POOL_R9 = "sasa((bu)s)a((bu)ss)(bt)(bs)(bb)";

    private final String address;
    private final DBusConnection connection;

    /**
     * Connects a dbus-java client.
     *
     * @param address the bus
     */
    public BusClient(String address) throws Exception {
        this.address = address;
        this.connection = DBusConnectionBuilder.forAddress(address).withShared(false).build();
    }

    /**
     * The dbus-java connection.
     *
     * @return the connection
     */
    public DBusConnection connection() {
        return connection;
    }

    /**
     * Asks the bus whether a name has an owner.
     *
     * @param name the name
     * @return true if owned
     */
    public boolean nameHasOwner(String name) throws Exception {
        return connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class).NameHasOwner(name);
    }

    /**
     * {@code Properties.Get} through dbus-java.
     *
     * @param path  object path
     * @param iface interface
     * @param name  property
     * @return the value
     */
    public Object get(String path, String iface, String name) throws Exception {
        return connection.getRemoteObject(NAME, path, Properties.class).Get(iface, name);
    }

    /**
     * {@code GetManagedObjects} through dbus-java.
     *
     * @return the managed objects
     */
    public Map<DBusPath, Map<String, Map<String, Variant<?>>>> managedObjects() throws Exception {
        return connection.getRemoteObject(NAME, ROOT, ObjectManager.class).GetManagedObjects();
    }

    /**
     * The object paths {@code GetManagedObjects} lists, through dbus-java.
     *
     * @return the paths
     */
    public java.util.Set<String> managedPaths() throws Exception {
        return managedObjects().keySet().stream().map(DBusPath::getPath).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * {@code GetManagedObjects} through {@code busctl}, as JSON text: a snapshot that compares by value.
     *
     * @return the JSON
     */
    public String managedObjectsJson() throws IOException, InterruptedException {
        CommandResult result = busctl("call", NAME, ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("GetManagedObjects failed: " + result.err());
        }
        return result.out();
    }

    /**
     * A raw method call through dbus-java.
     *
     * @param path      object path
     * @param iface     interface
     * @param member    method
     * @param signature argument signature
     * @param args      arguments in dbus-java forms
     * @return the reply (a method return or an error)
     */
    public Message call(String path, String iface, String member, String signature, Object... args) throws Exception {
        MethodCall call = connection.getMessageFactory()
                .createMethodCall(NAME, path, iface, member, (byte) 0, signature, args);
        connection.sendMessage(call);
        Message reply = call.getReply(TimeUnit.SECONDS.toMillis(Long.getLong("stratisd.test.call-timeout-seconds", 30)));
        if (reply == null) {
            throw new IllegalStateException("No reply to " + iface + "." + member);
        }
        return reply;
    }

    /**
     * Runs {@code busctl --json=short} and returns its output.
     *
     * @param args busctl arguments after the address
     * @return the result
     */
    public CommandResult busctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("busctl", "--address=" + address, "--json=short"));
        command.addAll(List.of(args));
        return run(command);
    }

    /**
     * {@code busctl call} of a Manager.r9 method.
     *
     * @param member    the method
     * @param signature its signature
     * @param args      its arguments in busctl's syntax
     * @return the result
     */
    public CommandResult callManager(String member, String signature, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("call", NAME, ROOT, MANAGER_R9, member, signature));
        command.addAll(List.of(args));
        return busctl(command.toArray(String[]::new));
    }

    /**
     * Creates a pool through {@code busctl}, with no encryption and no integrity settings.
     *
     * @param name    pool name
     * @param devices device paths
     * @return the result
     */
    public CommandResult createPool(String name, String... devices) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(name, Integer.toString(devices.length)));
        args.addAll(List.of(devices));
        args.addAll(List.of("0", "0", "false", "0", "false", "", "false", "false"));
        return callManager("CreatePool", CREATE_POOL_R9, args.toArray(String[]::new));
    }

    /**
     * Runs {@code gdbus} and returns its output.
     *
     * @param args gdbus arguments after the subcommand's address option
     * @return the result
     */
    public CommandResult gdbus(String subcommand, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gdbus", subcommand, "--address", address));
        command.addAll(List.of(args));
        return run(command);
    }

    /**
     * Runs the dbus-python client of the tests ({@code stratis_fd_client.py}), which passes file
     * descriptors the way stratis-cli does.
     *
     * @param args its arguments after the address
     * @return its output (JSON on success)
     */
    public CommandResult python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/stratis_fd_client.py", address));
        command.addAll(List.of(args));
        return run(command);
    }

    private static CommandResult run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Timed out: " + command);
        }
        return new CommandResult(process.exitValue(), out, err);
    }

    @Override
    public void close() {
        connection.disconnect();
    }

    /**
     * What a command-line client printed.
     *
     * @param exitCode its exit status
     * @param out      standard output
     * @param err      standard error
     */
    public record CommandResult(int exitCode, String out, String err) {

        /**
         * Reads a JSON path from busctl's {@code --json=short} output.
         *
         * @param path e.g. {@code $.data[2]}
         * @param <T>  the expected type
         * @return the value
         */
        public <T> T json(String path) {
            if (exitCode != 0) {
                throw new IllegalStateException("Command failed (" + exitCode + "): " + err);
            }
            return JsonPath.read(out, path);
        }
    }
}
