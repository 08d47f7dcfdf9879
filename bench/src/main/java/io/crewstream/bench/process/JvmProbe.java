package io.crewstream.bench.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * A JMX connection to another JVM on this machine, opened once through the JDK's attach API (the mechanism
 * {@code jcmd} uses; {@code startLocalManagementAgent} is what {@code jcmd ManagementAgent.start_local} does): a
 * long run samples each service every minute, and under a load average of 40 every {@code jcmd} call spent seconds
 * starting a JVM of its own. {@link #heapAfterGcKb} asks for a full collection ({@code MemoryMXBean.gc()}, which is
 * {@code System.gc()}, as {@code jcmd GC.run} is) and reads the heap's used bytes after it.
 *
 * <p>Threading: one caller at a time.
 */
public final class JvmProbe implements AutoCloseable {

    private final JMXConnector connector;

    private final MemoryMXBean memory;

    private JvmProbe(JMXConnector connector, MemoryMXBean memory) {
        this.connector = connector;
        this.memory = memory;
    }

    /** Attaches to {@code pid}, starts its local management agent (if not running yet) and connects to it. */
    public static JvmProbe attach(long pid) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        }
        catch (AttachNotSupportedException ex) {
            throw new IOException("cannot attach to " + pid, ex);
        }
        String address;
        try {
            address = vm.startLocalManagementAgent();
        }
        finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        MBeanServerConnection server = connector.getMBeanServerConnection();
        return new JvmProbe(connector, ManagementFactory.newPlatformMXBeanProxy(server,
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class));
    }

    /** A full GC, then the heap's used KiB; -1 when the JVM does not answer (gone). */
    public long heapAfterGcKb() {
        try {
            this.memory.gc();
            return this.memory.getHeapMemoryUsage().getUsed() / 1024;
        }
        catch (RuntimeException ex) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            this.connector.close();
        }
        catch (IOException ex) {
            // The connection is dropped either way.
        }
    }
}
