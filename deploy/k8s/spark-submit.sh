#!/usr/bin/env bash
# The same job with plain spark-submit against the Kubernetes API server (no operator):
#   K8S_API=https://my-cluster:6443 deploy/k8s/spark-submit.sh train --data-dir hdfs://... --workers 4
# Needs the image, built by `deploy/k8s/build-image --cuda --push REGISTRY/NAME` and named by
# KINDLING_IMAGE, and rbac.yaml applied. Submits with the Maven-resolved Spark jars of this checkout's
# build (Spark's Kubernetes backend among them), or with SPARK_HOME's spark-submit when SPARK_HOME is
# set and holds one (a Spark install of the job jar's line). The pod templates are read here and sent
# with the job. Extra spark-submit options: KINDLING_SUBMIT_OPTS.
# Secure by default: Spark's authentication with the secret of the Secret kindling-spark-auth (create it
# once: kubectl -n kindling create secret generic kindling-spark-auth \
#   --from-literal=secret="$(head -c 32 /dev/urandom | base64)"), mounted read-only into the driver and
# executors; RPC encryption, encryption of shuffle and spill files, UI access control.
# KINDLING_INSECURE=1 leaves them off.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${K8S_API:?set K8S_API to the API server, e.g. https://my-cluster:6443}"
: "${KINDLING_IMAGE:?set KINDLING_IMAGE to the image build-image pushed, e.g. REGISTRY/kindling:0.1.0-spark4.2-cuda}"
image="$KINDLING_IMAGE"
namespace="${KINDLING_NAMESPACE:-kindling}"
java_flags="$(grep -v '^#' "$here/../conf/jvm.options" | tr '\n' ' ')"
security=()
if [[ "${KINDLING_INSECURE:-0}" != 1 ]]; then
  security=(--conf spark.authenticate=true --conf spark.network.crypto.enabled=true
    --conf spark.io.encryption.enabled=true --conf spark.acls.enable=true
    --conf spark.kubernetes.driver.secrets.kindling-spark-auth=/opt/kindling/auth
    --conf spark.kubernetes.executor.secrets.kindling-spark-auth=/opt/kindling/auth
    --conf spark.authenticate.secret.file=/opt/kindling/auth/secret)
fi
args=(--master "k8s://$K8S_API" --deploy-mode cluster --name kindling
  --class io.kindling.driver.Main
  --conf spark.kubernetes.namespace="$namespace"
  --conf spark.kubernetes.container.image="$image"
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=kindling
  --conf spark.kubernetes.driver.podTemplateFile="$here/driver-pod-template.yaml"
  --conf spark.kubernetes.executor.podTemplateFile="$here/executor-pod-template-gpu.yaml"
  --conf spark.executor.instances="${KINDLING_EXECUTORS:-4}"
  --conf spark.executor.cores=1
  --conf spark.executor.memory=8g
  --conf spark.executor.memoryOverhead=8g
  --conf spark.executor.resource.gpu.amount=1
  --conf spark.task.resource.gpu.amount=1
  --conf spark.executor.resource.gpu.vendor=nvidia.com
  --conf spark.executor.resource.gpu.discoveryScript=/opt/kindling/deploy/conf/discover-gpus.sh
  --conf spark.driver.extraJavaOptions="$java_flags"
  --conf spark.executor.extraJavaOptions="$java_flags -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxphysicalbytes=15g -Dorg.bytedeco.javacpp.cachedir=/tmp/kindling-cache/javacpp")
# shellcheck disable=SC2206
extra=(${KINDLING_SUBMIT_OPTS:-})
jar=local:///opt/kindling/kindling-job.jar
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${security[@]}" "${args[@]}" "${extra[@]}" "$jar" "$@"
fi
"$root/deploy/bin/job-jar" > /dev/null
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" @"$root/deploy/conf/jvm.options" -Xmx1g \
  -Dlog4j2.configurationFile="$root/deploy/conf/log4j2.properties" \
  -cp "$(cat "$root/driver/target/spark-classpath.txt")" \
  org.apache.spark.deploy.SparkSubmit "${security[@]}" "${args[@]}" "${extra[@]}" "$jar" "$@"
