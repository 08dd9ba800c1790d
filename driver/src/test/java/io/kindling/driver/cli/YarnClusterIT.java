package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.TempDirs;
import io.kindling.driver.MnistForTests;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/yarn/submit.sh against a real in-process YARN (MiniYARNCluster: ResourceManager and one
 * NodeManager launching real container JVMs) with HDFS (MiniDFSCluster): the job runs in cluster
 * mode, its driver inside the application master, and writes checkpoints and the model to HDFS.
 * The "Spark install" the recipe needs is a SPARK_HOME of links to the Maven-resolved jars plus
 * spark-yarn, with a bin/spark-submit that runs SparkSubmit, as Spark's own script does.
 */
class YarnClusterIT {
    private static MiniYARNCluster yarn;
    private static Path work;

    @BeforeAll
    static void startYarn() throws Exception {
        work = Files.createTempDirectory("kindling-yarn-");
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", MiniHdfs.uri());
        conf.setInt(YarnConfiguration.NM_PMEM_MB, 10240);
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 10240);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
        conf.set("yarn.scheduler.capacity.root.default.user-limit-factor", "1");
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        yarn = new MiniYARNCluster("kindling-yarn", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        // start() can return before the ResourceManager has published its real port.
        long deadline = System.currentTimeMillis() + 30_000;
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Path confDir = Files.createDirectories(work.resolve("hadoop-conf"));
        for (String file : List.of("core-site.xml", "yarn-site.xml")) {
            try (OutputStream out = Files.newOutputStream(confDir.resolve(file))) {
                yarn.getConfig().writeXml(out);
            }
        }
    }

    @AfterAll
    static void stopYarn() throws IOException {
        if (yarn != null) {
            yarn.stop();
        }
        if (work != null) {
            TempDirs.delete(work);
        }
    }

    @Test
    void theYarnRecipeRunsTheJobInClusterModeWithCheckpointsOnHdfs() throws Exception {
        String hdfs = MiniHdfs.uri();
        Path sparkHome = sparkHome();
        String javaHome = System.getProperty("java.home");
        List<String> localJars = new ArrayList<>();
        for (File jar : sparkHome.resolve("jars").toFile().listFiles()) {
            localJars.add("local:" + jar.toPath().toRealPath()); // on every node of this one-node cluster
        }
        String yarnJars = String.join(",", localJars);
        String jobJar = Launcher.jobJar().toString();

        ProcessBuilder submit = new ProcessBuilder(Launcher.root().resolve("deploy/yarn/submit.sh").toString(),
                "train", "--data-dir", hdfs + "/yarn/mnist", "--mirror", "file://" + MnistForTests.dir(),
                "--epochs", "1", "--workers", "2", "--limit-train", "1280", "--limit-test", "500",
                "--checkpoint-dir", hdfs + "/yarn/ckpt", "--save-model", hdfs + "/yarn/model.zip")
                .redirectErrorStream(true).redirectOutput(work.resolve("submit.log").toFile());
        Map<String, String> env = submit.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("HADOOP_CONF_DIR", work.resolve("hadoop-conf").toString());
        env.put("JAVA_HOME", javaHome);
        env.put("KINDLING_JAR", jobJar);
        env.put("KINDLING_EXECUTORS", "2");
        // Containers must fit the NodeManager: driver 1g + 384m, two executors of 512m + 512m off-heap.
        env.put("KINDLING_EXECUTOR_MEMORY", "512m");
        env.put("KINDLING_EXECUTOR_OFFHEAP", "512m");
        env.put("KINDLING_DRIVER_MEMORY", "1g");
        env.put("KINDLING_SUBMIT_OPTS", String.join(" ", "--conf", "spark.yarn.jars=" + yarnJars,
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                // The UI's YARN proxy filter does not load from Maven's shaded Hadoop client jars (a
                // Spark distribution's jars/ has the web-proxy jar it needs); the job does not need the UI.
                "--conf", "spark.ui.enabled=false"));
        Process process = submit.start();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("spark-submit did not finish in 8 minutes:\n"
                    + Files.readString(work.resolve("submit.log")) + "\n" + containerOutput());
        }
        String log = Files.readString(work.resolve("submit.log"), StandardCharsets.UTF_8);
        String driverOut = containerOutput();
        System.out.println("application master stdout:\n" + driverOut);
        assertEquals(0, process.exitValue(), log + "\n" + driverOut);
        assertTrue(log.contains("final status: SUCCEEDED"), log);

        FileSystem fs = new org.apache.hadoop.fs.Path(hdfs).getFileSystem(new Configuration());
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(hdfs + "/yarn/ckpt/epoch-0001/MANIFEST.json")));
        assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path(hdfs + "/yarn/model.zip")).getLen() > 4_000_000);
        assertTrue(driverOut.matches("(?s).*\nTest set: Average loss: [0-9.]+, Accuracy: \\d+/500 .*"), driverOut);
    }

    /** A SPARK_HOME as a distribution lays it out: jars/ (Spark's classpath and spark-yarn), bin/spark-submit. */
    private static Path sparkHome() throws IOException {
        Path home = work.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        List<String> entries = new ArrayList<>(Arrays.asList(Files.readString(
                Launcher.root().resolve("driver/target/spark-classpath.txt")).strip().split(File.pathSeparator)));
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> new File(e).getName().startsWith("spark-yarn_")).forEach(entries::add);
        for (String entry : entries) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\n"
                + "exec \"$JAVA_HOME/bin/java\" @" + Launcher.root().resolve("deploy/conf/jvm.options") + " -Xmx1g"
                + " -cp \"$HADOOP_CONF_DIR:$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        assertTrue(submit.toFile().setExecutable(true));
        return home;
    }

    /** The application master's stdout (the driver's console in cluster mode), from the NodeManager's log dirs. */
    private static String containerOutput() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(Path.of("target"))) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("stdout")
                    && f.toString().contains("kindling-yarn")).toList()) {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                if (text.contains("Kindling job:")) {
                    out.append(text);
                }
            }
        }
        return out.toString();
    }
}
