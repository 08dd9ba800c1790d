#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript and the driver's): prints
# the GPUs this container or node may use as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# Addresses are nvidia-smi indices, which Kindling maps to CUDA devices (CUDA_VISIBLE_DEVICES aware).
set -euo pipefail
if ! command -v nvidia-smi > /dev/null; then
  echo '{"name": "gpu", "addresses": []}'
  exit 0
fi
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/^ *//' -e 's/^/"/' -e 's/$/"/' | paste -sd, -)"
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
