package org.storage.stratisd.dbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/**
 * Our marshalling gives the same body bytes as dbus-java's own (little-endian) for every value
 * form the daemon sends, and its work stays linear in the size of the message.
 */
class WireMarshallerTest {

    private static final MessageFactory LITTLE = new MessageFactory((byte) 'l');

    private static byte[] joined(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : message.getWireData()) {
            if (piece != null) {
                out.writeBytes(piece);
            }
        }
        return out.toByteArray();
    }

    private static byte[] body(byte[] wire) {
        int length = (wire[4] & 0xff) | (wire[5] & 0xff) << 8 | (wire[6] & 0xff) << 16 | (wire[7] & 0xff) << 24;
        return Arrays.copyOfRange(wire, wire.length - length, wire.length);
    }

    private static MethodCall call() throws Exception {
        return LITTLE.createMethodCall(":1.7", "org.storage.stratis3", "/org/storage/stratis3", "org.example", "M", (byte) 0, "");
    }

    private static void same(String signature, Object... values) throws Exception {
        MethodCall call = call();
        byte[] reference = body(joined(LITTLE.createMethodReturn(call, signature, values)));
        MarshalledReturn ours = MarshalledReturn.of(call, signature, values);
        byte[] wire = joined(ours);
        assertThat(body(wire)).as(signature).isEqualTo(reference);
        assertThat(ours.getWireData().length).isEqualTo(1);
        assertThat(GatheringMessageWriter.wireLength(ours)).isEqualTo(wire.length);
        assertThat(ours.getParameters()).isEqualTo(values);
    }

    @Test
    void basicTypesAndContainersMatchTheLibrary() throws Exception {
        same("s", "héllo");
        same("bqs", true, new UInt16(7), "x");
        same("(bs)", (Object) new Object[] {true, "p"});
        same("(b(bs))", (Object) new Object[] {true, new Object[] {false, ""}});
        same("(bt)q", new Object[] {true, new UInt64(new java.math.BigInteger("18446744073709551615"))}, new UInt16(65535));
        same("ao", List.of(new DBusPath("/a"), new DBusPath("/org/storage/stratis3/1")));
        same("as", List.of("a", "bb", "ccc"));
        same("a(ss)", List.of(new Object[] {"a", "b"}, new Object[] {"cc", "d"}));
        same("u", new UInt32(123456));
        same("x", -5L);
        same("ay", (Object) new byte[] {1, 2, 3});
        Map<String, Variant<?>> properties = new LinkedHashMap<>();
        properties.put("Name", new Variant<>("p"));
        properties.put("Size", new Variant<>(new UInt64(1L << 40)));
        properties.put("Opt", new Variant<>(new Object[] {true, "x"}, "(bs)"));
        properties.put("Devs", new Variant<>(List.of(Map.of("devnode", "/dev/x")), "aa{ss}"));
        properties.put("Path", new Variant<>(new DBusPath("/o")));
        properties.put("Flag", new Variant<>(false));
        same("a{sv}", properties);
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
        objects.put(new DBusPath("/org/storage/stratis3/1"), Map.of("org.storage.stratis3.pool.r9", properties));
        objects.put(new DBusPath("/org/storage/stratis3/2"), Map.of());
        same("a{oa{sa{sv}}}", objects);
        same("(bba{sb})", (Object) new Object[] {true, false, Map.of("encryption", true)});
        same("a{sa{sv}}", Map.of());
    }

    @Test
    void signalBodiesMatchTheLibrarys() throws Exception {
        Map<String, Map<String, Variant<?>>> interfaces = new LinkedHashMap<>();
        interfaces.put("org.storage.stratis3.pool.r9", Map.of("Name", new Variant<>("p"), "Size", new Variant<>("1024")));
        Object[][] cases = {
            {"/org/storage/stratis3", "org.freedesktop.DBus.ObjectManager", "InterfacesAdded", "oa{sa{sv}}",
                new Object[] {new DBusPath("/org/storage/stratis3/4"), interfaces}},
            {"/org/storage/stratis3", "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved", "oas",
                new Object[] {new DBusPath("/org/storage/stratis3/4"), List.of("a", "b")}},
            {"/org/storage/stratis3/4", "org.freedesktop.DBus.Properties", "PropertiesChanged", "sa{sv}as",
                new Object[] {"org.storage.stratis3.pool.r9", Map.of("Name", new Variant<>("q")), List.of("Size")}},
        };
        for (Object[] c : cases) {
            Object[] values = (Object[]) c[4];
            byte[] reference = body(joined(LITTLE.createSignal(null, (String) c[0], (String) c[1], (String) c[2], (String) c[3],
                    values)));
            MarshalledSignal ours = MarshalledSignal.of((String) c[0], (String) c[1], (String) c[2], (String) c[3], values);
            assertThat(ours.getWireData().length).isEqualTo(1);
            assertThat(body(joined(ours))).as((String) c[2]).isEqualTo(reference);
            assertThat(ours.getParameters()).isEqualTo(values);
        }
    }

    @Test
    void entriesMarshalledAheadMakeTheSameBodyAsTheLibrarysDictionary() throws Exception {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            // Names of 1 to 9 characters: entries of every length modulo 8, so the padding between them is exercised.
            Map<String, Variant<?>> properties = new LinkedHashMap<>();
            properties.put("Size", new Variant<>(new UInt64(i)));
            properties.put("Flag", new Variant<>(i % 2 == 0));
            properties.put("Name", new Variant<>("n".repeat(i + 1)));
            objects.put(new DBusPath("/org/storage/stratis3/" + i), Map.of("org.storage.stratis3.pool.r9", properties));
        }
        List<byte[]> entries = new java.util.ArrayList<>();
        for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> e : objects.entrySet()) {
            entries.add(WireMarshaller.entry("{oa{sa{sv}}}", e.getKey(), e.getValue()));
        }
        assertThat(entries.stream().map(b -> b.length % 8).distinct().count()).as("entry lengths modulo 8").isGreaterThan(4);
        MethodCall call = call();
        byte[] reference = body(joined(LITTLE.createMethodReturn(call, "a{oa{sa{sv}}}", objects)));
        WireMarshaller.Entries ahead = new WireMarshaller.Entries(entries, () -> objects);
        assertThat(body(joined(MarshalledReturn.of(call, "a{oa{sa{sv}}}", ahead)))).isEqualTo(reference);
        // With another value before it (the array then starts at another offset), and for dbus-java's fallback.
        byte[] shifted = body(joined(LITTLE.createMethodReturn(call, "ya{oa{sa{sv}}}", (byte) 1, objects)));
        assertThat(body(joined(MarshalledReturn.of(call, "ya{oa{sa{sv}}}", (byte) 1, ahead)))).isEqualTo(shifted);
        assertThat(WireMarshaller.plain(new Object[] {(byte) 1, ahead})).containsExactly((byte) 1, objects);
        assertThat(body(joined(MarshalledReturn.of(call, "a{oa{sa{sv}}}", new WireMarshaller.Entries(List.of(), Map::of)))))
                .isEqualTo(body(joined(LITTLE.createMethodReturn(call, "a{oa{sa{sv}}}", Map.of()))));
        assertThatThrownBy(() -> WireMarshaller.entry("a{sv}", "k", new Variant<>(1))).isInstanceOf(WireMarshaller.Unsupported.class);
    }

    @Test
    void valuesThatDoNotFitAreRefusedForTheFallback() throws Exception {
        MethodCall call = call();
        assertThatThrownBy(() -> MarshalledReturn.of(call, "s", 5)).isInstanceOf(WireMarshaller.Unsupported.class);
        assertThatThrownBy(() -> MarshalledReturn.of(call, "(bs)", (Object) new Object[] {true}))
                .isInstanceOf(WireMarshaller.Unsupported.class);
        assertThatThrownBy(() -> MarshalledReturn.of(call, "ss", "a")).isInstanceOf(WireMarshaller.Unsupported.class);
        assertThatThrownBy(() -> MarshalledReturn.of(call, "h", 3)).isInstanceOf(WireMarshaller.Unsupported.class);
    }

    @Test
    void marshallingTenThousandObjectsCopiesLessThanTwiceTheMessageSize() throws Exception {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Map<String, Variant<?>> properties = new LinkedHashMap<>();
            properties.put("Name", new Variant<>("fs" + i));
            properties.put("Used", new Variant<>(new Object[] {true, "572522496"}, "(bs)"));
            properties.put("Size", new Variant<>("1099511627776"));
            objects.put(new DBusPath("/org/storage/stratis3/" + i), Map.of("org.storage.stratis3.filesystem.r9", properties));
        }
        WireBuffer buffer = new WireBuffer(16);
        WireMarshaller.body(buffer, "a{oa{sa{sv}}}", new Object[] {objects});
        // Doubling growth copies fewer bytes in all than twice the final size: linear work. The
        // library's piece list, grown 20 slots at a time, copies quadratically many.
        assertThat(buffer.length()).isGreaterThan(1_000_000);
        assertThat(buffer.copiedBytes()).isLessThan(2L * buffer.length());
    }
}
