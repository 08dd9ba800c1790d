#!/usr/bin/env python3
"""Parameter averaging on the cluster path, as BENCHMARKS.md reports it.

Starts a Spark standalone cluster on 127.0.0.1 (deploy/standalone/start-cluster), submits two-epoch
`kindling train` jobs with deploy/bin/kindling-submit, and reads from each job's log the epoch's
time, the slowest workers' compute time and the rounds' overhead. The driver JVM's TCP byte
counters (`ss -tin`) are sampled at every Nth progress line from the second (--bytes-every, 0:
never) to give the bytes through the driver per round: a sample costs several ms of CPU, and taken
at every round on two cores it slows the very exchange it measures, so the default is every 10th.
With --baseline CHECKOUT the same jobs also run with another checkout's build (its own
kindling-submit and job jar) on the same cluster, alternating with this one, so both see the
machine in the same state; which of the two goes first alternates from run to run.

    benchmarks/cluster.py --data-dir DIR [--baseline CHECKOUT] [--workers 2] [--runs 1] [--cases ...]
                          [--epochs 2]

Prints one Markdown table row per job and epoch and writes the raw logs under --logs (default /tmp);
then a second table of where the tasks' time went, per job and epoch, from the executors' logs (each
segment task logs its phases: start, read, fit, push, wait, reduce, gather, settle; an epoch's
segments are added up, and the table gives the least and the most over the tasks). The workers'
directories (every application's copy of the job jar and its executors' logs, about 150 MB a job)
are deleted when the cluster stops, unless --keep-work.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (train options, examples per worker or None for the whole epoch)
CASES = {
    "lenet5": (["--model", "lenet5"], None),
    "mlp": (["--model", "mlp", "--hidden", "256"], None),
    "mlp-256-128": (["--model", "mlp"], None),
    "mnist-cnn": (["--model", "mnist-cnn"], None),
    "mnist-cnn-local": (["--model", "mnist-cnn", "--optimizer-state", "local"], None),
    "dense-25m": (["--model", "mlp", "--hidden", "4096,4096,1024"], 3200),
}

NEW_SPLIT = r"epoch {}: shuffle ([0-9.]+) s; (\d+) rounds in (\d+) segments?: compute ([0-9.]+) s, " \
            r"exchange ([0-9.]+) s, segment start and end ([0-9.]+) s"
OLD_SPLIT = r"epoch {}: shuffle ([0-9.]+) s; (\d+) rounds: broadcast ([0-9.]+) s, local compute ([0-9.]+) s, " \
            r"aggregation ([0-9.]+) s, driver averaging ([0-9.]+) s"
EPOCH = r"epoch {}: (\d+) examples in ([0-9.]+) s"
PHASES = ("start", "read", "fit", "push", "wait", "reduce", "gather", "settle")
TASK_LOG = re.compile(r"SegmentTask: segment \d+, epoch (\d+), rounds [\d-]+, task (\d+) of \d+ .*?: [0-9.]+ s: (.*?);")
PARAMS = re.compile(r"native threads per task, (\d+) parameters")
TEST = re.compile(r"Test set: Average loss: ([0-9.]+), Accuracy: (\d+)/(\d+)")


def driver_sockets(pid):
    """Bytes sent plus received so far on each TCP socket of process pid (by its two addresses), from ss."""
    out = subprocess.run(["ss", "-tinpH"], capture_output=True, text=True).stdout
    sockets = {}
    key = None
    for line in out.splitlines():
        if not line.startswith((" ", "\t")):
            fields = line.split()
            key = (fields[3], fields[4]) if f"pid={pid}," in line and len(fields) >= 5 else None
            continue
        if key:
            for name in ("bytes_acked", "bytes_received"):
                m = re.search(name + r":(\d+)", line)
                if m:
                    sockets[key] = sockets.get(key, 0) + int(m.group(1))
    return sockets


def bytes_between(samples):
    """The bytes moved between the first and the last of samples [(line, sockets)]: each socket's
    growth from one sample to the next (a socket that closes takes its counters with it, so the sum
    of the open sockets' counters alone can fall)."""
    total = 0
    for (_, before), (_, after) in zip(samples, samples[1:]):
        total += sum(n - before.get(key, 0) for key, n in after.items())
    return total


def run_job(submit, master, data_dir, workers, case, log_path, memory, properties, bytes_every, epochs):
    """One job of `epochs` epochs; a result per epoch (the first pays the JVMs' warm-up)."""
    options, per_worker = CASES[case]
    command = [submit, "--master", master, "train", "--epochs", str(epochs), "--workers", str(workers),
               "--data-dir", data_dir, "--no-download", "--log-interval", "1", "--limit-test", "1000"] + options
    if per_worker:
        command += ["--limit-train", str(per_worker * workers)]
    env = dict(os.environ, KINDLING_EXECUTOR_MEMORY=memory[0], KINDLING_EXECUTOR_OFFHEAP=memory[1])
    if properties and os.path.exists(properties):  # a secured cluster: the jobs need its secret
        env["KINDLING_SPARK_PROPERTIES"] = properties
    samples = {e: [] for e in range(1, epochs + 1)}  # per epoch: (train lines seen, bytes)
    lines = {}
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        for line in process.stdout:
            log.write(line)
            m = re.match(r"Train Epoch: (\d+) ", line)
            if m:
                epoch = int(m.group(1))
                lines[epoch] = lines.get(epoch, 0) + 1
                if bytes_every and lines[epoch] >= 2 and (lines[epoch] - 2) % bytes_every == 0:
                    samples[epoch].append((lines[epoch], driver_sockets(process.pid)))
        process.wait()
    text = open(log_path).read()
    return [parse(text, case, workers, process.returncode, e, samples[e]) for e in range(1, epochs + 1)]


def parse(text, case, workers, exit_code, epoch, samples):
    result = {"case": case, "workers": workers, "exit": exit_code, "epoch": epoch}
    m = re.search(EPOCH.format(epoch), text)
    if not m:
        return result
    result["examples"], result["seconds"] = int(m.group(1)), float(m.group(2))
    m = PARAMS.search(text)
    result["params"] = int(m.group(1)) if m else 0
    tests = TEST.findall(text)
    result["accuracy"] = f"{tests[epoch - 1][1]}/{tests[epoch - 1][2]}" if len(tests) >= epoch else "-"
    m = re.search(NEW_SPLIT.format(epoch), text)
    if m:
        shuffle, rounds, segments, compute, exchange, seg = m.groups()
        result.update(shuffle=float(shuffle), rounds=int(rounds), compute=float(compute),
                      round_overhead=float(exchange), segment_overhead=float(seg), segments=int(segments))
    else:
        m = re.search(OLD_SPLIT.format(epoch), text)
        shuffle, rounds, broadcast, compute, aggregation, averaging = m.groups()
        result.update(shuffle=float(shuffle), rounds=int(rounds), compute=float(compute),
                      round_overhead=float(broadcast) + float(aggregation) + float(averaging), segment_overhead=0.0,
                      segments=int(rounds))
    # Progress lines come one per round (--log-interval 1): bytes between the second line and the last
    # sampled are those rounds', without the job's start and end.
    if len(samples) >= 2:
        result["driver_bytes_per_round"] = bytes_between(samples) / (samples[-1][0] - samples[0][0])
    return result


def app_dirs(cluster_dir):
    """The application directories under the workers' directories."""
    found = set()
    for work in os.listdir(cluster_dir) if os.path.isdir(cluster_dir) else []:
        if work.startswith("work-"):
            for app in os.listdir(os.path.join(cluster_dir, work)):
                found.add(os.path.join(cluster_dir, work, app))
    return found


def task_phases(apps):
    """{epoch: {phase: [seconds per task]}} from the segment tasks' log lines in these applications."""
    per_task = {}  # (epoch, task) -> {phase: seconds}
    for app in apps:
        for executor in os.listdir(app):
            stderr = os.path.join(app, executor, "stderr")
            if not os.path.exists(stderr):
                continue
            for line in open(stderr, errors="replace"):
                m = TASK_LOG.search(line)
                if m:
                    phases = per_task.setdefault((int(m.group(1)), int(m.group(2))), dict.fromkeys(PHASES, 0.0))
                    for name, seconds in re.findall(r"(\w+) ([0-9.]+) s", m.group(3)):
                        if name in phases:
                            phases[name] += float(seconds)
    epochs = {}
    for (epoch, _), phases in sorted(per_task.items()):
        for name, seconds in phases.items():
            epochs.setdefault(epoch, {}).setdefault(name, []).append(seconds)
    return epochs


def phase_row(label, case, epoch, phases):
    cells = [f"{min(v):.2f}" if max(v) - min(v) < 0.005 else f"{min(v):.2f}-{max(v):.2f}"
             for v in (phases[name] for name in PHASES)]
    return f"| {label} | {case} | {epoch} | " + " | ".join(cells) + " |"


def row(label, r):
    if "seconds" not in r:
        return f"| {label} | {r['case']} | {r['workers']} | {r['epoch']} | failed (exit {r['exit']}) |"
    non_compute = 1 - r["compute"] / r["seconds"]
    per_round = 1000 * r["round_overhead"] / r["rounds"]
    bytes_round = r.get("driver_bytes_per_round")
    return (f"| {label} | {r['case']} | {r['params']:,} | {r['workers']} | {r['epoch']} | {r['examples']} | "
            f"{r['rounds']} | "
            f"{r['segments']} | {r['seconds']:.1f} | {r['compute']:.1f} | {r['shuffle']:.2f} | "
            f"{r['round_overhead']:.2f} | {r['segment_overhead']:.2f} | {per_round:.1f} | "
            f"{'-' if bytes_round is None else f'{bytes_round / 1e3:,.1f}'} | {100 * non_compute:.1f} % | "
            f"{r['accuracy']} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--baseline", help="another checkout, built, to run the same jobs with")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cases", default="mnist-cnn,mlp")
    parser.add_argument("--logs", default="/tmp")
    parser.add_argument("--epochs", type=int, default=2,
                        help="epochs per job; each gets a row (the executors' JIT compilers are still busy in the"
                             " first few)")
    parser.add_argument("--executor-memory", default="2g", help="heap of each executor")
    parser.add_argument("--executor-offheap", default="3g", help="ND4J's off-heap budget of each executor")
    parser.add_argument("--cluster-dir", default="/tmp/kindling-bench-cluster")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the workers' application directories (executor logs) after the run")
    parser.add_argument("--bytes-every", default="10",
                        help="sample the driver's bytes every N progress lines (0: never); a comma list runs "
                             "each build once per value, alternating")
    parser.add_argument("--insecure", action="store_true",
                        help="a cluster without authentication and encryption (as the results before them)")
    args = parser.parse_args()

    properties = None if args.insecure else os.path.join(args.cluster_dir, "spark-home/conf/spark-defaults.conf")
    start = [os.path.join(ROOT, "deploy/standalone/start-cluster"), "--dir", args.cluster_dir,
             "--workers", str(args.workers), "--cores", "1", "--memory", "6g", "--port", "7177"]
    if args.insecure:
        start.append("--insecure")
    master = subprocess.run(start, capture_output=True, text=True, check=True).stdout.strip()
    builds = [("this", os.path.join(ROOT, "deploy/bin/kindling-submit"))]
    if args.baseline:
        builds.append(("baseline", os.path.join(args.baseline, "deploy/bin/kindling-submit")))
    print("| build | model | parameters | workers | epoch | examples | rounds | segments | epoch s | compute s | "
          "shuffle s | round overhead s | segment overhead s | per-round overhead ms | driver kB per round | "
          "non-compute | test accuracy |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    phase_rows = []
    try:
        for case in args.cases.split(","):
            for n in range(args.runs):
                # Which build goes first alternates from run to run: a job right after the cluster
                # starts (or after the other build's) may find the machine in another state.
                order = builds if n % 2 == 0 else builds[::-1]
                for (label, submit), every in [(b, int(e)) for b in order for e in args.bytes_every.split(",")]:
                    if "," in args.bytes_every:
                        label = f"{label}, bytes every {every}"
                    log = os.path.join(args.logs, f"cluster-{label.replace(' ', '').replace(',', '-')}-{case}"
                                                  f"-w{args.workers}-{n}.log")
                    before = app_dirs(args.cluster_dir)
                    for result in run_job(submit, master, args.data_dir, args.workers, case, log,
                                          (args.executor_memory, args.executor_offheap), properties, every,
                                          args.epochs):
                        print(row(label, result), flush=True)
                    for epoch, phases in task_phases(app_dirs(args.cluster_dir) - before).items():
                        phase_rows.append(phase_row(label, case, epoch, phases))
        print()
        print("Seconds an epoch per task, least-most over the tasks:")
        print()
        print("| build | model | epoch | " + " | ".join(PHASES) + " |")
        print("|---|---|---:|" + "---:|" * len(PHASES))
        for line in phase_rows:
            print(line)
    finally:
        subprocess.run([os.path.join(ROOT, "deploy/standalone/stop-cluster"), "--dir", args.cluster_dir])
        if not args.keep_work:
            for name in os.listdir(args.cluster_dir):
                if name.startswith("work-"):
                    shutil.rmtree(os.path.join(args.cluster_dir, name), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
