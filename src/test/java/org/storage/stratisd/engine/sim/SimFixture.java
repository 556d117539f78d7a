package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.TokenBinding;

/** A simulator with a fixed clock and helpers for the engine tests. */
final class SimFixture {

    static final BigInteger GIB = BigInteger.ONE.shiftLeft(30);

    final SimEngine engine = new SimEngine(Clock.fixed(Instant.parse("2026-07-16T19:56:12Z"), ZoneOffset.UTC), Duration.ZERO);

    UUID pool(String name, String... devices) throws EngineException {
        return ((CreatePoolAction.Created) engine.createPool(CreatePoolRequest.plain(name, List.of(devices)))).pool().uuid();
    }

    UUID encryptedPool(String name, String keyDescription) throws EngineException {
        engine.setKey(keyDescription, new byte[] {1, 2, 3});
        EncryptionRequest request = new EncryptionRequest(List.of(
                new EncryptionRequest.Requested(Optional.empty(), new TokenBinding.Key(keyDescription))));
        return ((CreatePoolAction.Created) engine.createPool(new CreatePoolRequest(name, List.of("/dev/" + name), request,
                Optional.empty(), Optional.empty(), Optional.empty()))).pool().uuid();
    }

    FilesystemView filesystem(UUID pool, String name) throws EngineException {
        return engine.createFilesystems(pool, List.of(new FilesystemSpec(name, Optional.empty(), Optional.empty()))).getFirst();
    }

    FilesystemView filesystem(UUID pool, String name, BigInteger size, BigInteger limit) throws EngineException {
        return engine.createFilesystems(pool, List.of(new FilesystemSpec(name, Optional.ofNullable(size), Optional.ofNullable(limit))))
                .getFirst();
    }

    FilesystemView fs(UUID pool, UUID fs) {
        return engine.pool(pool).orElseThrow().filesystems().stream().filter(f -> f.uuid().equals(fs)).findFirst().orElseThrow();
    }
}
