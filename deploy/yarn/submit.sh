#!/usr/bin/env bash
# Kindling on YARN, cluster mode: the driver runs in the YARN application master, so the job survives
# the submitting machine; with --checkpoint-dir and --resume a restarted attempt continues from the
# newest checkpoint (spark.yarn.maxAppAttempts=2). Upload the job jar to HDFS once:
#   hdfs dfs -put driver/target/kindling-driver-*-job.jar /apps/kindling/kindling-job.jar
#   SPARK_HOME=/opt/spark deploy/yarn/submit.sh train --data-dir hdfs:///datasets/mnist \
#     --checkpoint-dir hdfs:///jobs/mnist --run-dir hdfs:///runs/mnist --workers 8 --resume
#
# KINDLING_JAR (default hdfs:///apps/kindling/kindling-job.jar), KINDLING_EXECUTORS (8),
# KINDLING_EXECUTOR_MEMORY (heap, 4g), KINDLING_EXECUTOR_OFFHEAP (ND4J's arrays, 4g),
# KINDLING_GPUS_PER_EXECUTOR (0; 1 schedules yarn.io/gpu, which YARN must have as a resource type),
# KINDLING_DRIVER_MEMORY (the application master's driver heap, 4g), KINDLING_QUEUE (default),
# KINDLING_SUBMIT_OPTS (more spark-submit options). YARN kills containers that exceed heap +
# overhead, so the overhead is sized for ND4J's off-heap arrays and JavaCPP is capped at it.
# Secure by default: Spark's authentication (YARN hands each application its own secret), RPC
# encryption, encryption of shuffle and spill files, and UI access control (the submitting user);
# KINDLING_INSECURE=1 leaves them off. HDFS itself is as the cluster has it (Kerberos: see README).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 install configured for the cluster (HADOOP_CONF_DIR)}"
jar="${KINDLING_JAR:-hdfs:///apps/kindling/kindling-job.jar}"
heap="${KINDLING_EXECUTOR_MEMORY:-4g}"
offheap="${KINDLING_EXECUTOR_OFFHEAP:-4g}"
gpus="${KINDLING_GPUS_PER_EXECUTOR:-0}"
java_flags="$(grep -v '^#' "$here/../conf/jvm.options" | tr '\n' ' ')"
executor_opts="$java_flags -Dorg.bytedeco.javacpp.maxbytes=$offheap -Dorg.bytedeco.javacpp.maxphysicalbytes=0"
args=(--master yarn --deploy-mode cluster --name kindling --class io.kindling.driver.Main
  --queue "${KINDLING_QUEUE:-default}"
  --conf spark.yarn.maxAppAttempts=2
  --conf spark.executor.instances="${KINDLING_EXECUTORS:-8}"
  --conf spark.executor.cores=1
  --conf spark.executor.memory="$heap"
  --conf spark.executor.memoryOverhead="$offheap"
  --conf spark.driver.memory="${KINDLING_DRIVER_MEMORY:-4g}"
  --conf spark.driver.extraJavaOptions="$java_flags"
  --conf spark.executor.extraJavaOptions="$executor_opts")
if [[ "${KINDLING_INSECURE:-0}" != 1 ]]; then
  args+=(--conf spark.authenticate=true --conf spark.network.crypto.enabled=true
    --conf spark.io.encryption.enabled=true --conf spark.acls.enable=true)
fi
if [[ "$gpus" -gt 0 ]]; then
  args+=(--files "$here/../conf/discover-gpus.sh"
    --conf spark.executor.resource.gpu.amount="$gpus"
    --conf spark.task.resource.gpu.amount="$gpus"
    --conf spark.executor.resource.gpu.discoveryScript=./discover-gpus.sh)
fi
# shellcheck disable=SC2206
extra=(${KINDLING_SUBMIT_OPTS:-})
exec "$SPARK_HOME/bin/spark-submit" "${args[@]}" "${extra[@]}" "$jar" "$@"
