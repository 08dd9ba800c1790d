#!/usr/bin/env python3
"""Predicted epoch time and scaling efficiency of Kindling's parameter averaging on N nodes.

A model, not a measurement: its inputs come from benchmarks/cluster.py's runs (BENCHMARKS.md,
"Parameter averaging on the cluster path"), and the network is assumed, not measured. Per round,
every node fits k minibatches and then the nodes average the model vector (V bytes) with a
reduce-scatter and an all-gather, synchronised twice through the driver:

    round(N)  = k * t_mb + L + 2 * N * s + 2 * (N - 1) / N * V / B
    epoch(N)  = rounds(N) * round(N) + segments * g + shuffle
    rounds(N) = ceil(examples / (N * k * batch))
    efficiency(N) = (rounds(N) * k * t_mb) / epoch(N)      (the share of the epoch spent computing)

t_mb: one minibatch of 64 on one node; L: a round's fixed latency (two synchronisations, two fetch
round trips); s: the driver's time per task message; B: bytes per second a node moves each way;
g: a segment's start and end (one a minute). The dataset is fixed (strong scaling), as for MNIST's
60 000 examples; for the 25 M-parameter model an epoch of 1.28 M examples (ImageNet-sized) is assumed.

    benchmarks/scaling.py            prints the Markdown tables for BENCHMARKS.md
"""
import math

BATCH = 64

# name: (parameters, vector floats per parameter (with Adadelta's two state arrays averaged: 3),
#        t_mb seconds on one node, examples per epoch)
MODELS = {
    "MNIST CNN": (1_199_882, 3, 0.074, 60_000),
    "dense 25 M": (24_202_250, 3, 0.19, 1_281_167),
}

# Measured on this machine's standalone cluster (BENCHMARKS.md): fixed latency of a round and the
# driver's cost per task message; a segment's start and end; the epoch's shuffle.
LATENCY = 0.010
PER_MESSAGE = 0.0002
SEGMENT = 0.5
SHUFFLE = 0.5

NETWORKS = {
    "25 GbE (2.5 GB/s each way)": 2.5e9,
    "this VM's loopback, measured (0.57 GB/s)": 0.57e9,
}


def epoch(params, floats, t_mb, examples, nodes, k, bandwidth):
    vector = params * floats * 4
    rounds = math.ceil(examples / (nodes * k * BATCH))
    sync = LATENCY + 2 * nodes * PER_MESSAGE + (2 * (nodes - 1) / nodes * vector / bandwidth if nodes > 1 else 0)
    compute = rounds * k * t_mb
    seconds = compute + rounds * sync + max(1, math.ceil(compute / 60)) * SEGMENT + SHUFFLE
    return seconds, compute / seconds


def main():
    for network, bandwidth in NETWORKS.items():
        print(f"\n**{network}**\n")
        print("| model | k | 8 nodes | 64 nodes | 256 nodes |")
        print("|---|---:|---|---|---|")
        for name, (params, floats, t_mb, examples) in MODELS.items():
            for k in (1, 5, 10, 50):
                cells = []
                for nodes in (8, 64, 256):
                    seconds, efficiency = epoch(params, floats, t_mb, examples, nodes, k, bandwidth)
                    cells.append(f"{seconds:,.1f} s, {100 * efficiency:.0f} %")
                print(f"| {name} | {k} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
