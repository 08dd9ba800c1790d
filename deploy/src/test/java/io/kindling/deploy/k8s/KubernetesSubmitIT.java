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
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/spark-submit.sh against a Kubernetes API server: fabric8's mock server in CRUD mode,
 * which stores what Spark creates (behind {@link ServerSideApplyProxy} for the submission). The driver pod must carry the image, the driver template's security
 * context, service account and read-only root, and the Secret of the cluster's shared secret. Then
 * this test plays the driver from what the submission stored (its spark.properties and executor pod
 * template config maps), and Spark's executor allocator creates executor pods from the template: GPU
 * limit, GPU node selector and toleration, no service-account token, uid 185. No kubelet runs here:
 * no pod is started.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesSubmitIT {
    private static final String NAMESPACE = "kindling";
    private static final String IMAGE = "registry.invalid/kindling:test";
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void theSubmittedDriverPodAndTheExecutorPodsItsDriverCreatesFollowThePodTemplates() throws Exception {
        String api = "http://" + server.getHostName() + ":" + server.getPort();
        try (ServerSideApplyProxy proxy = new ServerSideApplyProxy(api)) {
            submit(proxy.url());
        }
        assertTheDriverPodAndItsExecutors(api);
    }

    private static void submit(String api) throws Exception {
        ProcessBuilder submit = new ProcessBuilder(Podman.root().resolve("deploy/k8s/spark-submit.sh").toString(),
                "train", "--data-dir", "hdfs://namenode:8020/datasets/mnist", "--epochs", "1").redirectErrorStream(true);
        submit.environment().put("K8S_API", api);
        submit.environment().put("KINDLING_IMAGE", IMAGE);
        submit.environment().put("KINDLING_SUBMIT_OPTS", "--conf spark.kubernetes.submission.waitAppCompletion=false");
        Process process = submit.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), log);
        assertEquals(0, process.exitValue(), log);
    }

    private static void assertTheDriverPodAndItsExecutors(String api) throws Exception {

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

        Map<String, String> stored = client.configMaps().inNamespace(NAMESPACE).list().getItems().stream()
                .map(ConfigMap::getData).filter(d -> d != null).flatMap(d -> d.entrySet().stream())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
        Properties properties = new Properties();
        properties.load(new StringReader(stored.get("spark.properties")));
        String template = stored.get("podspec-configmap-key");
        assertNotNull(template, "the executor pod template travels with the job: " + stored.keySet());

        List<Pod> executors = playTheDriver(api, properties, template, driver.getMetadata().getName());
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
     * Starts a SparkContext as the driver pod would, from the properties the submission stored, in
     * client mode against the same API server; returns the executor pods its allocator created.
     */
    private static List<Pod> playTheDriver(String api, Properties stored, String template, String driverPod)
            throws Exception {
        Path dir = Files.createTempDirectory("kindling-driver-");
        Path templateFile = Files.writeString(dir.resolve("executor-pod-template.yml"), template);
        Path secret = Files.writeString(dir.resolve("secret"), "not-a-real-secret");
        SparkConf conf = new SparkConf(false);
        stored.stringPropertyNames().forEach(key -> conf.set(key, stored.getProperty(key)));
        conf.remove("spark.kubernetes.submitInDriver");
        conf.set("spark.master", "k8s://" + api)
                .set("spark.submit.deployMode", "client")
                .set("spark.kubernetes.driver.pod.name", driverPod)
                .set("spark.kubernetes.executor.podTemplateFile", templateFile.toString())
                .set("spark.authenticate.secret.file", secret.toString())
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false");
        SparkContext sc = new SparkContext(conf);
        try {
            for (int i = 0; i < 120; i++) {
                List<Pod> executors = client.pods().inNamespace(NAMESPACE).withLabel("spark-role", "executor")
                        .list().getItems();
                if (executors.size() >= 4) {
                    return executors;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("no executor pods: " + client.pods().inNamespace(NAMESPACE).list().getItems());
        } finally {
            sc.stop();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
