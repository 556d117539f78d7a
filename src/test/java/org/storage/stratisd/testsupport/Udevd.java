package org.storage.stratisd.testsupport;

/** Whether the udev daemon runs here (the tests that need real udev events skip, and say so, where it does not). */
public final class Udevd {

    private Udevd() {
    }

    /**
     * Pings udevd.
     *
     * @return true if it answers within two seconds
     */
    public static boolean running() {
        try {
            Process p = new ProcessBuilder("udevadm", "control", "--ping", "--timeout=2").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
