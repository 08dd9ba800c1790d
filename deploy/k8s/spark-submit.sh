#!/usr/bin/env bash
# The same job with plain spark-submit against the Kubernetes API server (no operator):
#   K8S_API=https://my-cluster:6443 deploy/k8s/spark-submit.sh train --data-dir hdfs://... --workers 4
# Needs a Spark install of the job jar's line (SPARK_HOME: Spark 4.2 for the default build), the image
# built from Dockerfile.cuda and pushed where the cluster pulls from (KINDLING_IMAGE), and rbac.yaml
# applied. Pod templates are read by the submitting machine and by the driver, so they are passed from this directory and baked into the image.
# Secure by default: Spark's authentication with the secret of the Secret kindling-spark-auth (create it
# once: kubectl -n kindling create secret generic kindling-spark-auth \
#   --from-literal=secret="$(head -c 32 /dev/urandom | base64)"), mounted read-only into the driver and
# executors; RPC encryption, encryption of shuffle and spill files, UI access control.
# KINDLING_INSECURE=1 leaves them off.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${K8S_API:?set K8S_API to the API server, e.g. https://my-cluster:6443}"
: "${SPARK_HOME:?set SPARK_HOME to a Spark install of the Spark line of the job jar}"
image="${KINDLING_IMAGE:-kindling:0.1.0-cuda11.6}"
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
exec "$SPARK_HOME/bin/spark-submit" "${security[@]}" \
  --master "k8s://$K8S_API" --deploy-mode cluster --name kindling \
  --class io.kindling.driver.Main \
  --conf spark.kubernetes.namespace="$namespace" \
  --conf spark.kubernetes.container.image="$image" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=kindling \
  --conf spark.kubernetes.driver.podTemplateFile="$here/driver-pod-template.yaml" \
  --conf spark.kubernetes.executor.podTemplateFile="$here/executor-pod-template-gpu.yaml" \
  --conf spark.executor.instances="${KINDLING_EXECUTORS:-4}" \
  --conf spark.executor.cores=1 \
  --conf spark.executor.memory=8g \
  --conf spark.executor.memoryOverhead=8g \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript=/opt/kindling/conf/discover-gpus.sh \
  --conf spark.driver.extraJavaOptions="$java_flags" \
  --conf spark.executor.extraJavaOptions="$java_flags -Dorg.bytedeco.javacpp.maxbytes=6g -Dorg.bytedeco.javacpp.maxphysicalbytes=15g" \
  local:///opt/kindling/kindling-job.jar "$@"
