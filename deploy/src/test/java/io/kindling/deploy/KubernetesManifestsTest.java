package io.kindling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in deploy/k8s parsed with fabric8's Kubernetes model (what its client sends to the
 * API server), typed, with no field the model does not know, and consistent with the images.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void rbacIsOneServiceAccountWithANamespacedRoleForExecutorPodsOnly() throws IOException {
        List<HasMetadata> docs = documents("rbac.yaml");
        ServiceAccount account = assertInstanceOf(ServiceAccount.class, docs.get(0));
        Role role = assertInstanceOf(Role.class, docs.get(1));
        RoleBinding binding = assertInstanceOf(RoleBinding.class, docs.get(2));
        assertEquals(3, docs.size(), "no ClusterRole: nothing cluster-wide");
        for (PolicyRule rule : role.getRules()) {
            assertEquals(List.of(""), rule.getApiGroups(), "core API group only");
            assertFalse(rule.getVerbs().contains("*") || rule.getResources().contains("*"), "no wildcards: " + rule);
            assertTrue(rule.getResources().stream().allMatch(r -> List.of("pods", "services", "configmaps",
                    "persistentvolumeclaims").contains(r)), rule.toString());
        }
        assertTrue(role.getRules().get(0).getVerbs().containsAll(List.of("create", "watch", "delete")));
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(account.getMetadata().getName(), binding.getSubjects().get(0).getName());
        assertEquals(account.getMetadata().getNamespace(), role.getMetadata().getNamespace());
        assertTrue(account.getAdditionalProperties().isEmpty() && role.getAdditionalProperties().isEmpty()
                && binding.getAdditionalProperties().isEmpty(), "no fields the model does not know");
        role.getRules().forEach(r -> assertTrue(r.getAdditionalProperties().isEmpty(), r.toString()));
    }

    @Test
    void podTemplatesRunAsNonRootAndExecutorsAskForAGpu() throws IOException {
        Pod driver = assertInstanceOf(Pod.class, documents("driver-pod-template.yaml").get(0));
        Pod executor = assertInstanceOf(Pod.class, documents("executor-pod-template-gpu.yaml").get(0));
        for (Pod pod : List.of(driver, executor)) {
            PodSecurityContext security = pod.getSpec().getSecurityContext();
            assertTrue(security.getRunAsNonRoot());
            assertEquals(185L, security.getRunAsUser(), "Spark images' spark user");
            Container container = pod.getSpec().getContainers().get(0);
            assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
            assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
            assertNoUnknownFields(pod);
        }
        assertEquals("spark-kubernetes-driver", driver.getSpec().getContainers().get(0).getName());
        Container container = executor.getSpec().getContainers().get(0);
        assertEquals("spark-kubernetes-executor", container.getName(), "the name Spark merges its container into");
        assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals("nvidia.com/gpu", executor.getSpec().getTolerations().get(0).getKey());
        assertFalse(executor.getSpec().getAutomountServiceAccountToken(), "executors never call the API server");
        for (Pod pod : List.of(driver, executor)) {
            assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
        }
    }

    /** Spark's authentication, RPC and I/O encryption and UI ACLs, on unless KINDLING_INSECURE=1. */
    private static final List<String> SECURITY = List.of("spark.authenticate", "spark.network.crypto.enabled",
            "spark.io.encryption.enabled", "spark.acls.enable");

    @Test
    void everyTemplateTurnsOnAuthenticationEncryptionAndUiAclsWithASwitchToTurnThemOff() throws IOException {
        Map<String, Object> spec = map(assertInstanceOf(GenericKubernetesResource.class,
                documents("sparkapplication.yaml").get(0)).getAdditionalProperties().get("spec"));
        Map<String, Object> conf = map(spec.get("sparkConf"));
        for (String key : SECURITY) {
            assertEquals("true", conf.get(key), key);
        }
        assertEquals("/opt/kindling/auth/secret", conf.get("spark.authenticate.secret.file"));
        for (String role : List.of("driver", "executor")) {
            Map<String, Object> pod = map(spec.get(role));
            Map<String, Object> secret = map(((List<?>) pod.get("secrets")).get(0));
            assertEquals("kindling-spark-auth", secret.get("name"), role);
            assertEquals("/opt/kindling/auth", secret.get("path"), role);
            Map<String, Object> security = map(pod.get("securityContext"));
            assertEquals(Map.of("drop", List.of("ALL")), security.get("capabilities"), role);
            assertEquals(Map.of("type", "RuntimeDefault"), security.get("seccompProfile"), role);
        }
        for (String script : List.of("k8s/spark-submit.sh", "yarn/submit.sh")) {
            String text = Files.readString(Path.of(script));
            for (String key : SECURITY) {
                assertTrue(text.contains("--conf " + key + "=true"), script + " sets " + key);
            }
            assertTrue(text.contains("KINDLING_INSECURE"), script + " documents the switch");
        }
        assertTrue(Files.readString(Path.of("k8s/spark-submit.sh")).contains(
                "spark.kubernetes.executor.secrets.kindling-spark-auth=/opt/kindling/auth"));
        String standalone = Files.readString(Path.of("standalone/start-cluster"));
        for (String key : SECURITY) {
            assertTrue(standalone.contains(key + " true"), "start-cluster writes " + key);
        }
        assertTrue(standalone.contains("--insecure"));
    }

    @Test
    void theSparkApplicationRunsTheJobJarOfTheImageOnGpuExecutors() throws IOException {
        GenericKubernetesResource app = assertInstanceOf(GenericKubernetesResource.class,
                documents("sparkapplication.yaml").get(0));
        assertEquals("sparkoperator.k8s.io/v1beta2", app.getApiVersion());
        assertEquals("SparkApplication", app.getKind());
        Map<String, Object> spec = map(app.getAdditionalProperties().get("spec"));
        assertEquals("io.kindling.driver.Main", spec.get("mainClass"));
        assertEquals("local:///opt/kindling/kindling-job.jar", spec.get("mainApplicationFile"));
        assertTrue(file("build-image").contains("\"$context/kindling/kindling-job.jar\""), "the image's job jar");
        assertEquals("kindling", map(spec.get("driver")).get("serviceAccount"));
        Map<String, Object> executor = map(spec.get("executor"));
        assertEquals(Map.of("name", "nvidia.com/gpu", "quantity", 1), executor.get("gpu"));
        assertTrue(executor.containsKey("memoryOverhead"), "room for ND4J's off-heap arrays");
        Map<String, Object> conf = map(spec.get("sparkConf"));
        assertEquals("1", conf.get("spark.task.resource.gpu.amount"));
        String javaOptions = (String) conf.get("spark.executor.extraJavaOptions");
        for (String flag : Files.readAllLines(Path.of("conf/jvm.options"))) {
            assertTrue(flag.isBlank() || javaOptions.contains(flag.strip()), "executors lack " + flag);
        }
        assertTrue(javaOptions.contains("-Dorg.bytedeco.javacpp.maxbytes="));
        List<String> arguments = new ArrayList<>();
        ((List<?>) spec.get("arguments")).forEach(a -> arguments.add(String.valueOf(a)));
        assertEquals("train", arguments.get(0));
        assertTrue(arguments.contains("--resume") && arguments.contains("--checkpoint-dir"),
                "an operator restart resumes from the newest checkpoint");
    }

    @Test
    void theImageRunsAsTheNonRootSparkUserAndTheCudaImageOnNvidiasCuda116Runtime() throws IOException {
        List<String> users = file("Containerfile").lines().filter(l -> l.startsWith("USER ")).toList();
        assertEquals("USER 185:185", users.get(users.size() - 1), "the image ends as the spark user");
        assertTrue(file("build-image").contains("nvidia/cuda:11.6"), "CUDA 11.6 for nd4j-cuda-11.6");
    }

    @Test
    void theOperatorManifestRunsAnImageOfTheSparkLineItNames() throws IOException {
        Map<String, Object> spec = map(assertInstanceOf(GenericKubernetesResource.class,
                documents("sparkapplication.yaml").get(0)).getAdditionalProperties().get("spec"));
        String sparkVersion = (String) spec.get("sparkVersion");
        String line = sparkVersion.substring(0, sparkVersion.lastIndexOf('.'));
        assertTrue(((String) spec.get("image")).contains("-spark" + line + "-"),
                "build-image names the image for its Spark line: " + spec.get("image"));
    }

    private static void assertNoUnknownFields(Pod pod) {
        assertTrue(pod.getAdditionalProperties().isEmpty());
        assertTrue(pod.getSpec().getAdditionalProperties().isEmpty(), pod.getSpec().getAdditionalProperties().toString());
        for (Container c : pod.getSpec().getContainers()) {
            assertTrue(c.getAdditionalProperties().isEmpty(), c.getAdditionalProperties().toString());
            assertTrue(c.getSecurityContext().getAdditionalProperties().isEmpty());
        }
        assertTrue(pod.getSpec().getSecurityContext().getAdditionalProperties().isEmpty());
    }

    private static List<HasMetadata> documents(String file) throws IOException {
        List<HasMetadata> docs = new ArrayList<>();
        for (String doc : Files.readString(K8S.resolve(file)).split("(?m)^---\\s*$")) {
            if (!doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                docs.add(YAML.unmarshal(doc));
            }
        }
        return docs;
    }

    private static String file(String name) throws IOException {
        return Files.readString(K8S.resolve(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
