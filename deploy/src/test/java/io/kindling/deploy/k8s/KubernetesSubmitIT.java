package io.kindling.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/spark-submit.sh against a Kubernetes API server: fabric8's mock server in CRUD mode,
 * which stores what Spark creates (behind {@link ServerSideApplyProxy} for the submission). The driver pod must carry the image, the driver template's security
 * context, service account and read-only root, and the Secret of the cluster's shared secret. Then
 * this test plays the driver from what the submission stored (its spark.properties and executor pod
 * template config maps), and Spark's executor allocator creates executor pods from the template: GPU
 * limit, GPU node selector and toleration, no service-account token, uid 185. No kubelet runs here;
 * podman plays one for an executor pod, whose container joins the driver and runs its tasks.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesSubmitIT {
    private static final String NAMESPACE = "kindling";
    private static final String IMAGE = "registry.invalid/kindling:test";
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void theSubmittedDriverPodAndTheExecutorPodsItsDriverCreatesFollowThePodTemplates() throws Exception {
        submit(IMAGE, NAMESPACE);
        assertTheDriverPodAndItsExecutors();
    }

    /**
     * An executor pod's container, run by podman from the pod spec Spark made (its image, arguments,
     * environment and volumes), as a kubelet would: the entrypoint's executor role joins the driver and
     * runs its tasks. No GPU here, so the played driver asks for none.
     */
    @Test
    @Tag("default-spark-line-only")
    void anExecutorPodsContainerJoinsItsDriverAndRunsItsTasks() throws Exception {
        String image = Podman.image();
        String namespace = "kindling-run";
        submit(image, namespace);
        Pod driver = client.pods().inNamespace(namespace).list().getItems().get(0);
        Path dir = Files.createTempDirectory("kindling-executor-");
        String container = "kindling-it-executor-" + ProcessHandle.current().pid();
        try (PlayedDriver played = new PlayedDriver(namespace, driver.getMetadata().getName(), dir, false)) {
            Pod executor = played.awaitExecutorPods(1).get(0);
            Podman.ok(podmanRun(executor, namespace, container, dir).toArray(String[]::new));
            for (int i = 0; i < 240 && played.sc.statusTracker().getExecutorInfos().length < 2; i++) {
                Thread.sleep(500);
            }
            assertEquals(2, played.sc.statusTracker().getExecutorInfos().length,
                    "the executor registered with the driver; its Spark options: " + container(executor,
                            "spark-kubernetes-executor").getEnv().stream().filter(e -> e.getName().startsWith("SPARK_JAVA_OPT_")
                            && e.getValue().startsWith("-Dspark.")).map(e -> e.getValue()).toList()
                            + "\n" + Podman.run(60, "logs", container).output());
            assertEquals(1000L, played.sc.range(0L, 1000L, 1L, 2).count(), "its tasks ran");
        } finally {
            Podman.remove(container);
            delete(dir);
        }
    }

    /** podman run arguments for an executor pod's container: host network, the pod's user, read-only root. */
    private static List<String> podmanRun(Pod pod, String namespace, String name, Path dir) throws Exception {
        Container container = container(pod, "spark-kubernetes-executor");
        List<String> args = new java.util.ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host",
                "--user", pod.getSpec().getSecurityContext().getRunAsUser() + ":"
                        + pod.getSpec().getSecurityContext().getRunAsGroup()));
        if (Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
            args.add("--read-only");
        }
        for (var env : container.getEnv()) {
            String value = env.getValue();
            if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                value = env.getValueFrom().getFieldRef().getFieldPath().equals("status.podIP") ? "127.0.0.1"
                        : pod.getMetadata().getName();
            }
            args.addAll(List.of("-e", env.getName() + "=" + (value == null ? "" : value)));
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                    .findFirst().orElseThrow();
            if (volume.getEmptyDir() != null) {
                args.addAll(List.of("--tmpfs", mount.getMountPath()));
            } else if (volume.getConfigMap() != null) {
                Path files = Files.createDirectories(dir.resolve(volume.getName()));
                client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get().getData()
                        .forEach((file, text) -> write(files.resolve(file), text));
                args.addAll(List.of("-v", files + ":" + mount.getMountPath() + ":ro"));
            } else if (volume.getSecret() != null) {
                args.addAll(List.of("-v", dir.resolve("auth") + ":" + mount.getMountPath() + ":ro"));
            }
        }
        // The played driver's secret file, at the path the executor's options name.
        args.addAll(List.of("-v", dir.resolve("auth") + ":" + dir.resolve("auth") + ":ro"));
        args.add(container.getImage());
        args.addAll(container.getArgs());
        return args;
    }

    private static void submit(String image, String namespace) throws Exception {
        String api = "http://" + server.getHostName() + ":" + server.getPort();
        try (ServerSideApplyProxy proxy = new ServerSideApplyProxy(api)) {
            submit(proxy.url(), image, namespace);
        }
    }

    private static void submit(String api, String image, String namespace) throws Exception {
        ProcessBuilder submit = new ProcessBuilder(Podman.root().resolve("deploy/k8s/spark-submit.sh").toString(),
                "train", "--data-dir", "hdfs://namenode:8020/datasets/mnist", "--epochs", "1").redirectErrorStream(true);
        submit.environment().put("K8S_API", api);
        submit.environment().put("KINDLING_IMAGE", image);
        submit.environment().put("KINDLING_NAMESPACE", namespace);
        submit.environment().put("KINDLING_SUBMIT_OPTS", "--conf spark.kubernetes.submission.waitAppCompletion=false");
        Process process = submit.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), log);
        assertEquals(0, process.exitValue(), log);
    }

    private static void assertTheDriverPodAndItsExecutors() throws Exception {
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems();
        assertEquals(1, pods.size(), "one driver pod: " + pods);
        Pod driver = pods.get(0);
        assertEquals("driver", driver.getMetadata().getLabels().get("spark-role"));
        assertEquals("kindling", driver.getSpec().getServiceAccountName(), "rbac.yaml's service account");
        Container driverContainer = container(driver, "spark-kubernetes-driver");
        assertEquals(IMAGE, driverContainer.getImage());
        assertEquals("driver", driverContainer.getArgs().get(0), "the entrypoint's driver role");
        assertTrue(driverContainer.getArgs().contains("local:///opt/kindling/kindling-job.jar"), driverContainer.getArgs().toString());
        assertFalse(limits(driverContainer).containsKey("nvidia.com/gpu"), "the driver needs no GPU");
        assertRunsAsTheSparkUserOnAReadOnlyRoot(driver, driverContainer);
        assertMountsTheClusterSecret(driver, driverContainer);

        List<Pod> executors;
        Path dir = Files.createTempDirectory("kindling-driver-");
        try (PlayedDriver played = new PlayedDriver(NAMESPACE, driver.getMetadata().getName(), dir, true)) {
            executors = played.awaitExecutorPods(4);
        } finally {
            delete(dir);
        }
        assertEquals(4, executors.size(), "KINDLING_EXECUTORS defaults to 4");
        for (Pod executor : executors) {
            Container container = container(executor, "spark-kubernetes-executor");
            assertEquals(IMAGE, container.getImage());
            assertEquals(List.of("executor"), container.getArgs(), "the entrypoint's executor role");
            assertEquals(new Quantity("1"), limits(container).get("nvidia.com/gpu"), "one GPU per executor");
            assertEquals("true", executor.getSpec().getNodeSelector().get("nvidia.com/gpu.present"));
            assertEquals("nvidia.com/gpu", executor.getSpec().getTolerations().get(0).getKey());
            assertFalse(executor.getSpec().getAutomountServiceAccountToken(), "executors never call the API server");
            assertEquals(driver.getMetadata().getName(), executor.getMetadata().getOwnerReferences().get(0).getName(),
                    "deleted with their driver");
            String javaOptions = container.getEnv().stream().filter(e -> e.getName().startsWith("SPARK_JAVA_OPT_"))
                    .map(e -> e.getValue()).collect(Collectors.joining(" "));
            assertTrue(javaOptions.contains("--add-opens=java.base/java.nio=ALL-UNNAMED")
                    && javaOptions.contains("-Dorg.bytedeco.javacpp.maxbytes=6g"), javaOptions);
            assertRunsAsTheSparkUserOnAReadOnlyRoot(executor, container);
            assertMountsTheClusterSecret(executor, container);
        }
    }

    /**
     * A SparkContext started as the driver pod would start it, from what the submission stored (its
     * spark.properties and executor pod template config maps), in client mode against the same API
     * server; Spark's allocator then creates executor pods from the template.
     */
    private static final class PlayedDriver implements AutoCloseable {
        final SparkContext sc;
        private final String namespace;

        PlayedDriver(String namespace, String driverPod, Path dir, boolean gpus) throws Exception {
            this.namespace = namespace;
            Map<String, String> stored = client.configMaps().inNamespace(namespace).list().getItems().stream()
                    .map(ConfigMap::getData).filter(d -> d != null).flatMap(d -> d.entrySet().stream())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
            Properties properties = new Properties();
            properties.load(new StringReader(stored.get("spark.properties")));
            String template = stored.get("podspec-configmap-key");
            assertNotNull(template, "the executor pod template travels with the job: " + stored.keySet());
            Path templateFile = Files.writeString(dir.resolve("executor-pod-template.yml"), template);
            Path secret = Files.createDirectories(dir.resolve("auth")).resolve("secret");
            Files.writeString(secret, "a-secret-for-this-test-only");
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            SparkConf conf = new SparkConf(false);
            properties.stringPropertyNames().forEach(key -> conf.set(key, properties.getProperty(key)));
            conf.remove("spark.kubernetes.submitInDriver");
            conf.set("spark.master", "k8s://http://" + server.getHostName() + ":" + server.getPort())
                    .set("spark.submit.deployMode", "client")
                    .set("spark.kubernetes.driver.pod.name", driverPod)
                    .set("spark.kubernetes.executor.podTemplateFile", templateFile.toString())
                    .set("spark.authenticate.secret.file", secret.toString())
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false");
            if (!gpus) {
                for (String key : List.of("spark.executor.resource.gpu.amount", "spark.executor.resource.gpu.vendor",
                        "spark.executor.resource.gpu.discoveryScript", "spark.task.resource.gpu.amount")) {
                    conf.remove(key);
                }
                conf.set("spark.executor.instances", "1").set("spark.executor.memory", "1g")
                        .set("spark.executor.memoryOverhead", "512m");
            }
            sc = new SparkContext(conf);
        }

        List<Pod> awaitExecutorPods(int count) throws InterruptedException {
            for (int i = 0; i < 120; i++) {
                List<Pod> executors = client.pods().inNamespace(namespace).withLabel("spark-role", "executor")
                        .list().getItems();
                if (executors.size() >= count) {
                    return executors;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("no executor pods: " + client.pods().inNamespace(namespace).list().getItems());
        }

        @Override
        public void close() {
            sc.stop();
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void assertRunsAsTheSparkUserOnAReadOnlyRoot(Pod pod, Container container) {
        String what = pod.getMetadata().getName();
        assertEquals(185L, pod.getSpec().getSecurityContext().getRunAsUser(), what);
        assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot(), what);
        assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType(), what);
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation(), what);
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem(), what);
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop(), what);
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
                what + ": a writable /tmp");
    }

    private static void assertMountsTheClusterSecret(Pod pod, Container container) {
        Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null
                && "kindling-spark-auth".equals(v.getSecret().getSecretName())).findFirst()
                .orElseThrow(() -> new AssertionError("no kindling-spark-auth volume: " + pod.getSpec().getVolumes()));
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume.getName()))
                .findFirst().orElseThrow();
        assertEquals("/opt/kindling/auth", mount.getMountPath());
    }

    private static Container container(Pod pod, String name) {
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + pod.getMetadata().getName()));
    }

    private static Map<String, Quantity> limits(Container container) {
        return container.getResources() == null || container.getResources().getLimits() == null ? Map.of()
                : container.getResources().getLimits();
    }
}
