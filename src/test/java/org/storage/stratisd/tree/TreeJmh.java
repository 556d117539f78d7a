package org.storage.stratisd.tree;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.types.Variant;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * In-process benchmarks of the dbus channel and the dbus tree (scenario 6; run by
 * {@code JmhBench} in the bench profile): one send plus one receive on the channel, and tree
 * reads alone and while a writer keeps changing a property.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TreeJmh {

    private static final String PATH = "/org/storage/stratis3/1";
    private static final String IFACE = "org.storage.stratis3.pool.r9";

    private DbusChannel channel;
    private DbusTree tree;
    private List<TreeUpdate> batch;
    private long counter;

    @Setup
    public void setUp() {
        channel = new DbusChannel();
        tree = new DbusTree(DaemonMetrics.NONE);
        SequencedMap<String, Map<String, Variant<?>>> interfaces = new LinkedHashMap<>();
        Map<String, Variant<?>> properties = new LinkedHashMap<>();
        properties.put("Name", new Variant<>("pool"));
        interfaces.put(IFACE, properties);
        tree.apply(new TreeUpdate.AddObject(PATH, ObjectKind.POOL, UUID.randomUUID(), "", interfaces));
        for (int i = 2; i < 200; i++) {
            SequencedMap<String, Map<String, Variant<?>>> other = new LinkedHashMap<>();
            other.put(IFACE, Map.of("Name", new Variant<>("p" + i)));
            tree.apply(new TreeUpdate.AddObject("/org/storage/stratis3/" + i, ObjectKind.POOL, UUID.randomUUID(), "", other));
        }
        batch = List.of(new TreeUpdate.RemoveObject("/org/storage/stratis3/none"));
    }

    /** One batch sent and taken off the channel by the same thread: the channel's own cost. */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public Object channelSendReceive() {
        channel.send(batch);
        return channel.poll();
    }

    /** A property read with no writer. */
    @Benchmark
    @Group("readAlone")
    @GroupThreads(1)
    public Object treeRead() {
        return tree.get(PATH);
    }

    /** A property read while another thread writes. */
    @Benchmark
    @Group("readUnderWriter")
    @GroupThreads(1)
    public Object treeReadWhileWritten() {
        return tree.get(PATH);
    }

    /** The writer of {@link #treeReadWhileWritten}: changes the pool's name back and forth. */
    @Benchmark
    @Group("readUnderWriter")
    @GroupThreads(1)
    public Object treeWriter() {
        counter++;
        return tree.apply(new TreeUpdate.RefreshProperties(PATH, List.of(new TreeUpdate.PropertyUpdate(IFACE, "Name",
                new Variant<>((counter & 1) == 0 ? "pool" : "loop"), TreeUpdate.Emit.VALUE, false))));
    }
}
