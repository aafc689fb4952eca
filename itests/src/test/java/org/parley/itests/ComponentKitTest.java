package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The component kit as an integrator uses it: kit/new-component makes a project outside this
 * repository from the template, and Maven builds it, offline, against the distribution this build
 * made: compile, bnd, the project's unit tests, and its integration test, which starts that
 * distribution, deploys the new bundle and talks to it with Smack. Nothing of Parley comes from
 * the local Maven repository (nothing is installed there): the project compiles against the api
 * jar in the distribution's system/ directory, and everything else it needs (plugins, Smack,
 * JUnit) is what this reactor's own build has already fetched.
 */
class ComponentKitTest {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(6);

    @Test
    void aProjectMadeFromTheTemplateBuildsAndItsIntegrationTestPassesInTheRealServer() throws Exception {
        Path dist = ParleyServer.distribution();
        Path kit = Path.of(System.getProperty("parley.kit")).toAbsolutePath();
        Path work = Files.createTempDirectory("parley-kit");
        Path project = work.resolve("weather");

        Process generate = new ProcessBuilder(kit.resolve("new-component").toString(), "org.example.weather", project.toString(),
                dist.toString()).redirectErrorStream(true).start();
        String generated = new String(generate.getInputStream().readAllBytes());
        assertTrue(generate.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, generate.exitValue(), generated);
        assertTrue(Files.exists(project.resolve("src/main/java/org/example/weather/internal/WeatherComponent.java")), generated);
        assertTrue(Files.readString(project.resolve("pom.xml")).contains("<parley.home>" + dist + "</parley.home>"));

        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-o", "verify"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Path log = work.resolve("build.log");
        Process build = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!build.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            build.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertTrue(!build.isAlive() && build.exitValue() == 0, () -> "the generated project's build failed:\n" + tail(output, 80));
        assertTrue(output.contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0"), () -> "unit tests:\n" + tail(output, 80));
        assertTrue(output.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed")
                && output.contains("in org.example.weather.it.WeatherIT"), () -> "integration test:\n" + tail(output, 80));
        assertTrue(Files.exists(project.resolve("target/weather-1.0.0-SNAPSHOT.jar")));
        ParleyServer.deleteTree(work);
    }

    /** The mvn of the Maven running this build (surefire passes maven.home), else the one on the PATH. */
    private static String maven() {
        String home = System.getProperty("maven.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin/mvn"))) {
            return Path.of(home, "bin/mvn").toString();
        }
        return "mvn";
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
