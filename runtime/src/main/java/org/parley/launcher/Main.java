package org.parley.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.parley.control.ControlProtocol;

/**
 * {@code bin/parley}: runs the server in the foreground, or runs one operator command against the
 * instance — through the running server's control socket when it runs, otherwise by starting the
 * storage and auth bundles alone just long enough to run it.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: parley [run]                        run the server in the foreground (SIGTERM stops it)",
            "       parley status                       tell whether the instance's server is running",
            "       parley user add <jid> <password>    create an account",
            "       parley user passwd <jid> <password> change an account's password",
            "       parley user delete <jid>            delete an account",
            "       parley user disable <jid>           refuse the account's sign-ins and end its sessions",
            "       parley user enable <jid>            let a disabled account sign in again",
            "       parley user disabled                list the disabled accounts",
            "       parley user list                    list the accounts",
            "       parley user count                   count the accounts",
            "       parley user import <file>           create accounts from lines of '<jid> <password>'",
            "       parley user import --hashed <file>  the same from lines of '<jid> <credential> [<credential>]'",
            "                                           with SCRAM credentials as in RFC 5803 (SCRAM-SHA-256$...)",
            "       parley admin online                 the users and sessions online",
            "       parley admin sessions [<jid>]       every session, or an account's: address, TLS, mechanism, since",
            "       parley admin end <jid>              end an account's sessions (or one, by full JID)",
            "       parley admin announce <text>        send a message to every online user",
            "       parley admin motd [<text>]          show or set the message of the day (sent at sign-in)",
            "       parley admin deletemotd             delete the message of the day",
            "       parley usage now                    the usage figures now (online users, stanzas/s, logins, ...)",
            "       parley usage weeks [<n>]            distinct users of this week and the weeks before it (12)",
            "       parley usage history                the samples of the last hours",
            "       parley room list                    the rooms of the multi-user chat, with their occupants' count",
            "       parley room occupants <room>        a room's occupants: nick, JID, role, affiliation",
            "       parley room destroy <room> [<why>]  destroy a room; its occupants are told why",
            "       parley bundle list                  every bundle: version, state, the version a roll-back returns to",
            "       parley bundle upgrade <jar>         install or upgrade a bundle live (as the console's upload)",
            "       parley bundle stop|start <name>     stop or start a bundle by its symbolic name",
            "       parley bundle rollback <name>       back to the version before the last upgrade made so",
            "       (room and bundle need the admin feature's bundles: muc of the im feature, admin)",
            "The instance lives in $PARLEY_BASE (default: the distribution directory).");
    private static final long OFFLINE_COMMAND_WAIT_MILLIS = 120_000;
    /** Held so java.util.logging keeps the level (it references loggers weakly). */
    private static java.util.logging.Logger quietJul;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (LauncherException e) {
            System.err.println("parley: " + e.getMessage());
            code = e.exitCode();
        } catch (Exception e) {
            System.err.println("parley: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        List<String> words = new ArrayList<>(Arrays.asList(args));
        if (words.isEmpty() || words.get(0).equals("run")) {
            return runServer();
        }
        switch (words.get(0)) {
            case "help", "-h", "--help" -> {
                System.out.println(USAGE);
                return 0;
            }
            case "status" -> {
                return status();
            }
            case "user" -> {
                return command(userCommand(words));
            }
            case "usage" -> {
                return command(usageCommand(words));
            }
            case "admin" -> {
                return command(adminCommand(words));
            }
            case "room" -> {
                return command(roomCommand(words));
            }
            case "bundle" -> {
                return command(bundleCommand(words));
            }
            default -> {
                System.err.println("parley: unknown command '" + words.get(0) + "'\n" + USAGE);
                return ControlProtocol.USAGE;
            }
        }
    }

    /** Checks arity and makes a file argument absolute, since the server may run in another directory. */
    static List<String> userCommand(List<String> words) {
        if (words.size() < 2) {
            throw usage("user needs a sub-command");
        }
        String sub = words.get(1);
        boolean hashed = sub.equals("import") && words.size() > 2 && words.get(2).equals("--hashed");
        if (sub.equals("import") && !hashed && words.size() > 2 && words.get(2).startsWith("--")) {
            throw usage("unknown option '" + words.get(2) + "' for 'user import'");
        }
        int expected = switch (sub) {
            case "add", "passwd" -> 4;
            case "import" -> hashed ? 4 : 3;
            case "delete", "disable", "enable" -> 3;
            case "list", "count", "disabled" -> 2;
            default -> throw usage("unknown user command '" + sub + "'");
        };
        if (words.size() != expected) {
            throw usage("wrong number of arguments for 'user " + sub + "'");
        }
        List<String> result = new ArrayList<>(words);
        if (sub.equals("import")) {
            int at = hashed ? 3 : 2;
            Path file = Path.of(words.get(at)).toAbsolutePath().normalize();
            if (!Files.isReadable(file)) {
                throw new LauncherException("cannot read " + file);
            }
            result.set(at, file.toString());
        }
        return result;
    }

    /** Checks the sub-command; a text (announce, motd) may be given as several words and is joined. */
    static List<String> adminCommand(List<String> words) {
        if (words.size() < 2) {
            throw usage("admin needs a sub-command");
        }
        String sub = words.get(1);
        boolean fits = switch (sub) {
            case "online", "deletemotd" -> words.size() == 2;
            case "sessions" -> words.size() <= 3;
            case "end" -> words.size() == 3;
            case "announce" -> words.size() >= 3;
            case "motd" -> true;
            default -> throw usage("unknown admin command '" + sub + "'");
        };
        if (!fits) {
            throw usage("wrong arguments for 'admin " + sub + "'");
        }
        if ((sub.equals("announce") || sub.equals("motd")) && words.size() > 3) {
            return List.of("admin", sub, String.join(" ", words.subList(2, words.size())));
        }
        return words;
    }

    /** Checks the sub-command; a reason to destroy a room may be given as several words and is joined. */
    static List<String> roomCommand(List<String> words) {
        if (words.size() < 2) {
            throw usage("room needs a sub-command");
        }
        String sub = words.get(1);
        boolean fits = switch (sub) {
            case "list" -> words.size() == 2;
            case "occupants" -> words.size() == 3;
            case "destroy" -> words.size() >= 3;
            default -> throw usage("unknown room command '" + sub + "'");
        };
        if (!fits) {
            throw usage("wrong arguments for 'room " + sub + "'");
        }
        if (sub.equals("destroy") && words.size() > 4) {
            return List.of("room", sub, words.get(2), String.join(" ", words.subList(3, words.size())));
        }
        return words;
    }

    /** Checks the sub-command and its arity, and makes a jar's path absolute (the server may run elsewhere). */
    static List<String> bundleCommand(List<String> words) {
        if (words.size() < 2) {
            throw usage("bundle needs a sub-command");
        }
        String sub = words.get(1);
        boolean fits = switch (sub) {
            case "list" -> words.size() == 2;
            case "upgrade", "stop", "start", "rollback" -> words.size() == 3;
            default -> throw usage("unknown bundle command '" + sub + "'");
        };
        if (!fits) {
            throw usage("wrong arguments for 'bundle " + sub + "'");
        }
        if (sub.equals("upgrade")) {
            Path jar = Path.of(words.get(2)).toAbsolutePath().normalize();
            if (!Files.isReadable(jar)) {
                throw new LauncherException("cannot read " + jar);
            }
            return List.of("bundle", sub, jar.toString());
        }
        return words;
    }

    /** Checks the sub-command and its arity before anything starts. */
    static List<String> usageCommand(List<String> words) {
        if (words.size() < 2) {
            throw usage("usage needs a sub-command");
        }
        String sub = words.get(1);
        boolean fits = switch (sub) {
            case "now", "history" -> words.size() == 2;
            case "weeks" -> words.size() == 2 || words.size() == 3 && words.get(2).matches("[1-9][0-9]{0,3}");
            default -> throw usage("unknown usage command '" + sub + "'");
        };
        if (!fits) {
            throw usage("wrong arguments for 'usage " + sub + "'");
        }
        return words;
    }

    private static LauncherException usage(String problem) {
        return new LauncherException(problem + "\n" + USAGE, ControlProtocol.USAGE);
    }

    private static int runServer() throws Exception {
        Instance instance = Instance.fromEnvironment();
        List<Path> created = instance.prepare();
        if (!created.isEmpty()) {
            System.out.println("parley: new instance in " + instance.base + ": default configuration written to " + instance.etc);
        }
        ControlProtocol.Response probe = ControlClient.send(controlSocket(instance), List.of("parley", "ping"));
        if (probe != null) {
            throw new LauncherException("a server is already running on " + instance.base);
        }
        configureLogging(instance, "INFO");
        FelixServer server = new FelixServer(instance, features(instance, false), instance.data.resolve("felix-cache"),
                new Features(instance.home).frameworkProperties(featureNames(instance)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            // A SIGTERM that stopped everything cleanly is a normal end: exit 0, not 143.
            Runtime.getRuntime().halt(0);
        }, "parley-shutdown"));
        System.out.println("parley: starting from " + instance.home + " with base " + instance.base);
        server.start();
        server.awaitStop();
        return 0;
    }

    private static int status() throws IOException {
        Instance instance = Instance.fromEnvironment();
        ControlProtocol.Response response = ControlClient.send(controlSocket(instance), List.of("parley", "status"));
        if (response == null) {
            System.out.println("stopped (" + instance.base + ")");
            return 3;
        }
        System.out.print(response.output());
        return response.exitCode();
    }

    private static int command(List<String> words) throws Exception {
        Instance instance = Instance.fromEnvironment();
        ControlProtocol.Response response = ControlClient.send(controlSocket(instance), words);
        if (response == null) {
            response = runOffline(instance, words);
        }
        (response.exitCode() == ControlProtocol.OK ? System.out : System.err).print(response.output());
        return response.exitCode();
    }

    /**
     * Starts only the bundles that don't serve users (storage, auth, control), with a private
     * control socket, and runs the command through it: the same code path as a running server.
     */
    private static ControlProtocol.Response runOffline(Instance instance, List<String> words) throws Exception {
        instance.prepare();
        configureLogging(instance, "ERROR");
        // SPI Fly reports through java.util.logging; a command's output should be only its answer.
        quietJul = java.util.logging.Logger.getLogger("");
        quietJul.setLevel(java.util.logging.Level.WARNING);
        Path socket = Path.of(System.getProperty("java.io.tmpdir"), "parley-" + UUID.randomUUID().toString().substring(0, 8) + ".sock");
        FelixServer server = new FelixServer(instance, features(instance, true), instance.data.resolve("felix-cache-cli"),
                Map.of(ControlProtocol.SOCKET_PROPERTY, socket.toString()));
        try {
            server.start();
            long deadline = System.currentTimeMillis() + OFFLINE_COMMAND_WAIT_MILLIS;
            while (System.currentTimeMillis() < deadline) {
                ControlProtocol.Response response = ControlClient.send(socket, words);
                if (response != null) {
                    return response;
                }
                Thread.sleep(100);
            }
            throw new LauncherException("the storage did not start within " + OFFLINE_COMMAND_WAIT_MILLIS / 1000
                    + " s; see " + instance.log.resolve("parley.log"));
        } finally {
            server.stop();
            Files.deleteIfExists(socket);
        }
    }

    private static List<Features.BundleEntry> features(Instance instance, boolean offline) {
        List<Features.BundleEntry> bundles = new Features(instance.home).bundles(featureNames(instance));
        if (offline) {
            bundles.removeIf(Features.BundleEntry::onlineOnly);
        }
        return bundles;
    }

    /** The features parley.properties names, core first. */
    private static List<String> featureNames(Instance instance) {
        Properties settings = instance.settings();
        List<String> names = new ArrayList<>();
        for (String name : settings.getProperty("features", "core, im").split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        if (!names.contains("core")) {
            names.add(0, "core");
        }
        return names;
    }

    static Path controlSocket(Instance instance) {
        return ControlProtocol.socketPath(instance.data);
    }

    /** Logback (inside OSGi) reads these system properties when it first configures itself. */
    private static void configureLogging(Instance instance, String consoleLevel) {
        System.setProperty("logback.configurationFile", logbackConfiguration(instance).toString());
        System.setProperty("parley.log", instance.log.toString());
        System.setProperty("parley.console.level", consoleLevel);
    }

    /**
     * The instance's logback.xml, or the distribution's when an etc/ the operator filled only
     * partly has none: logback's own default would print every DEBUG line to the console.
     */
    static Path logbackConfiguration(Instance instance) {
        Path file = instance.etc.resolve("logback.xml");
        return Files.isRegularFile(file) ? file : instance.home.resolve("defaults/etc/logback.xml");
    }
}
