package org.policygraph.neo4jserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A local Neo4j 5 (community edition, embedded) that serves Bolt, for tests and CI.
 *
 * <p>Prints {@code NEO4J_READY bolt://HOST:PORT} on stdout once the default database is
 * available and the credentials are in place. Stops on SIGTERM/SIGINT (JVM shutdown hook),
 * and also on end of stdin when started with {@code --watch-stdin}.
 */
public final class Neo4jServer {

    private static final String USAGE = String.join("\n",
            "usage: Neo4jServer [--port N] [--host ADDR] [--data DIR] [--no-auth] [--watch-stdin]",
            "                   [--pagecache SIZE_MB]",
            "  --port N        Bolt port; 0 or absent picks a free port (default 0)",
            "  --host ADDR     listen address (default 127.0.0.1)",
            "  --data DIR      Neo4j home (data, logs); kept on exit. Default: a temp dir, removed on exit",
            "  --no-auth       disable authentication",
            "  --watch-stdin   also shut down when stdin reaches end of file",
            "  --pagecache MB  page cache size in MiB (default 128)",
            "env: NEO4J_USER (default neo4j), NEO4J_PASSWORD (default policygraph-test)");

    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        String host = "127.0.0.1";
        Path home = null;
        boolean auth = true;
        boolean watchStdin = false;
        long pagecacheMb = 128;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                case "--host" -> host = value(args, ++i, a);
                case "--data" -> home = Paths.get(value(args, ++i, a)).toAbsolutePath();
                case "--no-auth" -> auth = false;
                case "--watch-stdin" -> watchStdin = true;
                case "--pagecache" -> pagecacheMb = Long.parseLong(value(args, ++i, a));
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> fail("unknown argument: " + a);
            }
        }
        if (port < 0 || port > 65535) {
            fail("bad port: " + port);
        }
        Map<String, String> env = System.getenv();
        String user = env.getOrDefault("NEO4J_USER", "neo4j");
        String password = env.getOrDefault("NEO4J_PASSWORD", "policygraph-test");
        if (!user.matches("[A-Za-z][A-Za-z0-9_]*")) {
            fail("NEO4J_USER must be a plain identifier: " + user);
        }
        if (auth && password.isEmpty()) {
            fail("NEO4J_PASSWORD is empty; use --no-auth to disable authentication");
        }

        boolean tempHome = home == null;
        if (tempHome) {
            home = Files.createTempDirectory("policygraph-neo4j-");
        } else {
            Files.createDirectories(home);
        }
        final Path homeDir = home;
        System.out.println("NEO4J_PID " + ProcessHandle.current().pid());
        System.out.println("NEO4J_HOME " + homeDir + (tempHome ? " (temporary)" : ""));
        System.out.flush();

        // Registered before start-up so that a failed or interrupted start also cleans up.
        AtomicReference<DatabaseManagementService> dbmsRef = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println("NEO4J_STOPPING");
                System.out.flush();
                DatabaseManagementService running = dbmsRef.get();
                if (running != null) {
                    running.shutdown();
                }
                if (tempHome) {
                    deleteRecursively(homeDir);
                }
                System.out.println("NEO4J_STOPPED");
                System.out.flush();
            } catch (Throwable t) {
                System.err.println("error during shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        try {
            String url = start(dbmsRef, homeDir, host, port, auth, user, password, pagecacheMb);
            System.out.println("NEO4J_READY " + url);
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("NEO4J_FAILED " + t);
            t.printStackTrace();
            System.exit(1);
        }

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // ignore input; wait for end of file
                    }
                } catch (IOException ignored) {
                    // treat as closed
                }
                System.exit(0);
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        stopped.await();
    }

    /** Starts the DBMS (kept in {@code ref} for the shutdown hook) and returns the Bolt URL. */
    private static String start(AtomicReference<DatabaseManagementService> ref, Path homeDir, String host,
            int port, boolean auth, String user, String password, long pagecacheMb) {
        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(homeDir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnector.server_bolt_telemetry_enabled, false)
                // Bolt waits 5 s + 5 s for idle threads/connections on shutdown; 1 s is plenty here.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecacheMb * 1024 * 1024)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
        ref.set(dbms);

        long tBuilt = System.nanoTime();
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(3).toMillis())) {
            throw new IllegalStateException("default database did not become available");
        }

        if (auth) {
            // Works for a new home (initial user neo4j/neo4j, change required) and a reused one.
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            Map<String, Object> params = Map.of("pw", password);
            if (!"neo4j".equals(user)) {
                system.executeTransactionally(
                        "CREATE USER " + user + " IF NOT EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED", params);
            }
            setPassword(system, user, params);
        }

        long tAuth = System.nanoTime();
        HostnamePort bolt = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        if (bolt == null) {
            throw new IllegalStateException("Bolt connector did not register an address");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("NEO4J_AUTH " + (auth ? user + " (password from NEO4J_PASSWORD)" : "disabled"));
        System.out.println("NEO4J_STARTED_MS " + ms + " (dbms " + TimeUnit.NANOSECONDS.toMillis(tBuilt - t0)
                + " ms, then users/databases " + TimeUnit.NANOSECONDS.toMillis(tAuth - tBuilt) + " ms)");
        return "bolt://" + host + ":" + bolt.getPort();
    }

    /**
     * Sets the user's password, also on a kept home where it is already that password: Neo4j refuses
     * {@code ALTER USER ... SET PASSWORD} to the current password ("Old password and new password cannot be
     * the same"), so a restart on kept data would fail. In that case only the change-required flag is cleared.
     */
    private static void setPassword(GraphDatabaseService system, String user, Map<String, Object> params) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + user + " SET PASSWORD $pw CHANGE NOT REQUIRED", params);
        } catch (QueryExecutionException e) {
            if (!isSamePassword(e)) {
                throw e;
            }
            system.executeTransactionally("ALTER USER " + user + " SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static boolean isSamePassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            if (msg != null && msg.contains("Old password and new password cannot be the same")) {
                return true;
            }
        }
        return false;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String msg) {
        System.err.println(msg);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not remove " + root + ": " + e.getMessage());
        }
    }
}
