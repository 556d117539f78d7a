package org.storage.stratisd.config;

/** Which engine the daemon runs. */
public enum EngineKind {
    /** Real devices (upstream's default). */
    REAL,
    /** The in-memory simulator ({@code --sim}). */
    SIM
}
