package io.kindling.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kindling's image, built here by deploy/k8s/build-base and build-image, and run with podman the way
 * Kubernetes runs it: as uid 185, on a read-only root filesystem, with MNIST mounted read-only.
 */
class ContainerImageIT {
    private static final String SPARK = System.getProperty("kindling.spark.version");
    private static final String SCALA = System.getProperty("kindling.scala.binary.version");

    @Test
    void theImageHoldsTheSparkLineOfThisBuildAndRunsAsTheSparkUser() {
        String image = Podman.image();
        assertEquals("185:185", Podman.ok("image", "inspect", "--format", "{{.Config.User}}", image));
        assertEquals("185", Podman.ok("run", "--rm", "--read-only", "--network", "none", image, "id", "-u"));
        String jars = Podman.ok("run", "--rm", "--read-only", "--network", "none", image, "ls", "/opt/kindling/spark/jars");
        assertTrue(jars.lines().anyMatch(("spark-core_" + SCALA + "-" + SPARK + ".jar")::equals),
                "Spark " + SPARK + " for Scala " + SCALA + ":\n" + jars);
        assertTrue(jars.lines().anyMatch(j -> j.startsWith("spark-kubernetes_" + SCALA + "-")), "Spark's Kubernetes backend");
        String job = Podman.ok("run", "--rm", "--read-only", "--network", "none", image, "readlink", "-f",
                "/opt/kindling/kindling-job.jar");
        assertTrue(job.endsWith("-job-spark" + SPARK.substring(0, SPARK.lastIndexOf('.')) + ".jar"), job);
    }

    @Test
    void aDryRunTrainsOnMnistMountedReadOnlyOnAReadOnlyRoot() throws Exception {
        String image = Podman.image();
        Path mnist = MnistForContainers.dir();
        Podman.Result run = Podman.run(600, "run", "--rm", "--read-only", "--network", "none", "--user", "185",
                "-v", mnist + ":/data/mnist:ro", image,
                "kindling", "train", "--dry-run", "--data-dir", "/data/mnist", "--no-download", "--epochs", "1");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.stdout().contains("Train Epoch: 1 [640/60000 (1%)]"), run.output());
        assertTrue(run.stdout().contains("Test set: Average loss: "), run.output());
    }

    /** The role Spark's Kubernetes backend starts in a driver pod: spark-submit in client mode, in the container. */
    @Test
    void theDriverRoleRunsTheJobJarThroughSparkSubmit() throws Exception {
        String image = Podman.image();
        Path mnist = MnistForContainers.dir();
        String javaOptions = String.join(" ", Files.readAllLines(Podman.root().resolve("deploy/conf/jvm.options")));
        Podman.Result run = Podman.run(600, "run", "--rm", "--read-only", "--network", "none",
                "-e", "SPARK_DRIVER_BIND_ADDRESS=127.0.0.1", "-v", mnist + ":/data/mnist:ro", image,
                "driver", "--master", "local[2]", "--conf", "spark.driver.memory=2g",
                "--conf", "spark.driver.extraJavaOptions=" + javaOptions, "--class", "io.kindling.driver.Main",
                "local:///opt/kindling/kindling-job.jar",
                "train", "--dry-run", "--data-dir", "/data/mnist", "--no-download", "--epochs", "1", "--limit-test", "1000");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.stdout().contains("Test set: Average loss: "), run.output());
    }

    @Test
    void podmanKubePlayRunsThePodTemplatesContainers() throws Exception {
        String image = Podman.image();
        Path mnist = MnistForContainers.dir();
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (String template : List.of("driver-pod-template.yaml", "executor-pod-template-gpu.yaml")) {
            Pod pod = yaml.unmarshal(Files.readString(Podman.root().resolve("deploy/k8s/" + template)), Pod.class);
            // What Spark fills in: the image and the role; here the role is a dry run of training.
            String name = "kindling-" + template.substring(0, template.indexOf('-'));
            pod.getMetadata().setName(name);
            pod.getSpec().setRestartPolicy("Never");
            Container container = pod.getSpec().getContainers().get(0);
            container.setImage(image);
            container.setArgs(List.of("kindling", "train", "--dry-run", "--data-dir", "/data/mnist", "--no-download",
                    "--epochs", "1", "--limit-test", "1000"));
            container.getVolumeMounts().add(new VolumeMountBuilder().withName("mnist").withMountPath("/data/mnist")
                    .withReadOnly(true).build());
            pod.getSpec().getVolumes().add(new VolumeBuilder().withName("mnist").withNewHostPath()
                    .withPath(mnist.toString()).withType("Directory").endHostPath().build());
            Path file = Files.createTempFile("kindling-pod-", ".yaml");
            Files.writeString(file, yaml.asYaml(pod));
            Podman.ok("kube", "play", "--network", "none", file.toString());
            String containerName = name + "-" + container.getName();
            try {
                assertEquals("0", Podman.ok("wait", containerName), template + ":\n" + Podman.ok("logs", containerName));
                String logs = Podman.ok("logs", containerName);
                assertTrue(logs.contains("Test set: Average loss: "), template + ":\n" + logs);
                assertEquals("185:185", Podman.ok("inspect", "--format", "{{.Config.User}}", containerName),
                        template + " runs as the pod's runAsUser and runAsGroup");
                assertEquals("true", Podman.ok("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", containerName),
                        template + " runs on a read-only root filesystem");
            } finally {
                Podman.run(120, "kube", "down", file.toString());
                Files.delete(file);
            }
        }
    }
}
