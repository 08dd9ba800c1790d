#!/usr/bin/env python3
"""Predicted epoch time and scaling efficiency of Kindling's parameter averaging on N nodes.

A model, not a measurement: its inputs come from benchmarks/cluster.py's runs (BENCHMARKS.md,
"Parameter averaging on the cluster path"), and the network is assumed, not measured. Per round,
every node fits k minibatches and then the nodes average the model vector (V bytes) with a
reduce-scatter and an all-gather, each node pushing its slices to their owners and the owners pushing
the averages back (no barrier; the driver gets one-way reports, off the round's critical path):

    round(N)  = k * t_mb + L + 2 * (N - 1) * s + 2 * (N - 1) / N * V / B
    m(N)      = ceil(examples / (N * batch))              minibatches per node and epoch
    epoch(N)  = m(N) * t_mb + rounds(N) * overhead(N) + segments * g + shuffle(N)
    rounds(N) = ceil(m(N) / k),  overhead(N) = round(N) - k * t_mb
    efficiency(N) = m(N) * t_mb / epoch(N)                (the share of the epoch spent computing)

t_mb: one minibatch of 64 on one node; L: a round's fixed latency (two hops between nodes); s: a
node's time per push it receives (N - 1 contributions and N - 1 averages a round); B: bytes per
second a node moves each way;
g: a segment's start and end (one a minute); the shuffle moves the epoch's data once, spread over the
nodes. The dataset is fixed (strong scaling): MNIST's 60 000 examples for the MNIST CNN; for the
25 M-parameter model (784 inputs) an epoch of 1.28 M examples (ImageNet-sized) is assumed.

    benchmarks/scaling.py            prints the Markdown tables for BENCHMARKS.md
"""
import math

BATCH = 64

# name: (parameters, vector bytes per parameter (Adadelta's two state arrays averaged too: 12),
#        t_mb: seconds per minibatch of 64 on one node, examples per epoch, bytes per example,
#        g: a segment's start and end in seconds)
MODELS = {
    "MNIST CNN": (1_199_882, 12, 0.0726, 60_000, 784, 0.55),
    "dense 25 M": (24_202_250, 12, 0.226, 1_281_167, 784, 6.2),
}

# Measured on this machine's standalone cluster, 2 workers (BENCHMARKS.md, "Fewer copies a round"):
# a round's overhead is 4.9 ms plus 1.26 ms per MB of model vector (0.80 GB/s), fitted (each point
# weighted by its own size) to lenet5 (0.53 MB, 5.7 ms), the MNIST CNN (14.4 MB, 22.0 ms) and
# dense-25m (290 MB, 385 ms); the shuffle moved 51 MB/s per node.
LATENCY = 0.0049
LOOPBACK = 0.80e9
SHUFFLE_RATE = 51e6
# Assumed: a node spends 0.1 ms on each push it receives, and a 25 GbE link carries 2.5 GB/s each way.
PER_MESSAGE = 0.0001
NETWORKS = {
    "25 GbE (2.5 GB/s each way)": 2.5e9,
    "this VM's loopback rate (0.80 GB/s)": LOOPBACK,
}


def epoch(model, nodes, k, bandwidth):
    params, vector_bytes, t_mb, examples, example_bytes, segment = model
    vector = params * vector_bytes
    minibatches = math.ceil(examples / (nodes * BATCH))
    rounds = math.ceil(minibatches / k)
    exchange = 2 * (nodes - 1) / nodes * vector / bandwidth
    overhead = LATENCY + 2 * (nodes - 1) * PER_MESSAGE + exchange
    compute = minibatches * t_mb
    trained = compute + rounds * overhead
    seconds = trained + max(1, math.ceil(trained / 60)) * segment + examples * example_bytes / (nodes * SHUFFLE_RATE)
    return seconds, compute / seconds


def main():
    for network, bandwidth in NETWORKS.items():
        print(f"\n**{network}**\n")
        print("| model | k | 8 nodes | 64 nodes | 256 nodes |")
        print("|---|---:|---|---|---|")
        for name, model in MODELS.items():
            for k in (1, 5, 10, 50):
                cells = []
                for nodes in (8, 64, 256):
                    seconds, efficiency = epoch(model, nodes, k, bandwidth)
                    cells.append(f"{seconds:,.1f} s, {100 * efficiency:.0f} %")
                print(f"| {name} | {k} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
