"""Running children: the snapshot of the build, one seqlab or PyTorch run, its wall time, peak RSS and the load
around it."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import ROOT, log
from .arithmetic import epoch_median_ms

BUSY_CORES = 0.25  # other processes using more than this many cores during a run make it suspect


def busy_cpu_seconds():
    """CPU seconds all processes on this machine have spent busy since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait counts as busy.
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def other_load(interval):
    """Cores the rest of the machine keeps busy, sampled over interval seconds while this process sleeps."""
    b0 = busy_cpu_seconds()
    time.sleep(interval)
    b1 = busy_cpu_seconds()
    return None if b0 is None or b1 is None else (b1 - b0) / interval


def wait_quiet(limit_s):
    """With --wait-quiet: waits (up to limit_s) until other processes leave the CPUs alone, before a run."""
    if limit_s <= 0:
        return
    deadline = time.monotonic() + limit_s
    said = False
    while True:
        load = other_load(0.5)
        if load is None or load < BUSY_CORES:
            return
        if time.monotonic() > deadline:
            log(f"tools/bench: still {load:.2f} cores busy elsewhere after waiting {limit_s:g} s; measuring anyway")
            return
        if not said:
            log(f"tools/bench: other processes keep {load:.2f} cores busy; waiting for quiet (--wait-quiet)")
            said = True
        time.sleep(2)


class Child:
    """A finished child process: exit code, wall seconds, peak RSS (KiB), stdout and stderr text, and the
    average number of cores other processes kept busy meanwhile (None when /proc/stat is unreadable)."""

    def __init__(self, rc, wall_s, maxrss_kib, out, err, other_cores):
        self.rc, self.wall_s, self.maxrss_kib, self.out, self.err = rc, wall_s, maxrss_kib, out, err
        self.other_cores = other_cores


def spawn(cmd, env=None, cwd=ROOT):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy0 = busy_cpu_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be a maximum over every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        busy1 = busy_cpu_seconds()
        other = None
        if busy0 is not None and busy1 is not None and wall > 0:
            # Machine-wide busy time minus the child's own: what the rest of the machine did meanwhile.
            other = max(0.0, (busy1 - busy0 - usage.ru_utime - usage.ru_stime) / wall)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(proc.returncode, wall, usage.ru_maxrss, out.read().decode(errors="replace"),
                     err.read().decode(errors="replace"), other)


class Run:
    """One measured training run of either side."""

    def __init__(self, epoch_ms, child, extra=None):
        self.epoch_ms = epoch_ms
        self.median_ms, self.short = epoch_median_ms(epoch_ms)
        self.maxrss_kib = child.maxrss_kib
        self.wall_s = child.wall_s
        self.other_cores = child.other_cores
        self.extra = extra or {}


class BenchError(RuntimeError):
    pass


class Seqlab:
    def __init__(self, snap, work):
        self.snap = snap
        self.bin = os.path.join(snap, "bin", "seqlab")
        self.work = work
        self.count = 0

    def experiment(self, model):
        return os.path.join(self.snap, "experiments", f"sine_{model}.yaml")

    def run(self, case, threads):
        self.count += 1
        out_dir = os.path.join(self.work, f"run{self.count}")
        if case.data == "csv":  # the experiment file the bench wrote for the case (csv_experiment)
            cmd = [self.bin, "run", case.experiment, "--out", out_dir, "--no-plots", "--threads", str(threads),
                   f"training.epochs={case.epochs}", "training.log_every=0"]
        else:
            cmd = [self.bin, "run", self.experiment(case.model), "--out", out_dir, "--no-plots", "--threads",
                   str(threads), f"training.epochs={case.epochs}", "training.log_every=0",
                   f"model.hidden_size={case.hidden}", f"model.num_layers={case.layers}",
                   f"dataset.num_samples={case.batch}", f"dataset.seq_length={case.steps}", "dataset.val_samples=0"]
        child = spawn(cmd)
        if child.rc != 0:
            raise BenchError(f"seqlab failed (exit {child.rc}): {' '.join(cmd)}\n{child.err[-2000:]}")
        try:
            with open(os.path.join(out_dir, "metrics.csv")) as f:
                header = f.readline().strip().split(",")
                col = header.index("seconds")
                epoch_ms = [float(line.split(",")[col]) * 1e3 for line in f if line.strip()]
            with open(os.path.join(out_dir, "summary.json")) as f:
                summary = json.load(f)
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)
        if len(epoch_ms) != case.epochs:
            raise BenchError(f"seqlab wrote {len(epoch_ms)} epochs, expected {case.epochs}: {' '.join(cmd)}")
        blas = summary.get("blas", {})
        return Run(epoch_ms, child,
                   {"startup_ms": summary.get("startup_ms"), "blas_core": blas.get("core"),
                    "blas_threads": blas.get("threads"), "threads": summary.get("threads"),
                    "median_epoch_ms": summary.get("median_epoch_ms"),
                    "final_loss": summary.get("final_train_loss")})


class Torch:
    def __init__(self, python):
        self.python = python
        self.script = os.path.join(ROOT, "tools", "torch_baseline.py")

    def run(self, case, threads):
        cmd = [self.python, self.script, "--model", case.model, "--mode", "last", "--epochs", str(case.epochs),
               "--hidden", str(case.hidden), "--layers", str(case.layers), "--samples", str(case.batch), "--seq",
               str(case.steps), "--threads", str(threads), "--eval-samples", "0", "--quiet"]
        if case.data == "csv":
            cmd += ["--csv", case.csv_path, "--batch-size", str(case.batch_size), "--lr", str(case.lr)]
        child = spawn(cmd)
        if child.rc != 0:
            raise BenchError(f"PyTorch baseline failed (exit {child.rc}): {' '.join(cmd)}\n{child.err[-2000:]}")
        res = json.loads(child.out.strip().splitlines()[-1])
        if res.get("input_size", 1) != case.input_size:
            raise BenchError(f"PyTorch baseline read {res.get('input_size')} features, expected {case.input_size}")
        return Run(res["epoch_ms"], child,
                   {"torch": res.get("torch"), "blas_core": res.get("blas_core"),
                    "blas_threads": res.get("blas_threads"), "blas_library": res.get("blas_library"),
                    "final_loss": res.get("final_loss")})


def torch_python(requested):
    """The interpreter that can import torch, or (None, reason)."""
    candidates = [requested] if requested else ["/usr/bin/python3", sys.executable]
    for py in candidates:
        if not py or not os.path.exists(py):
            continue
        probe = spawn([py, "-c", "import torch; print(torch.__version__)"])
        if probe.rc == 0:
            return py, probe.out.strip(), probe.maxrss_kib
    return None, "python3-torch is not installed (Debian: apt-get install python3-torch)", None


def fmt_cores(cores):
    """Cores other processes kept busy, as printed: "?" when /proc/stat was unreadable."""
    return "?" if cores is None else f"{cores:.2f}"


def snapshot(dest, build=os.path.join(ROOT, "build"), tools=("seqlab", "seqlab_sgemm_peak")):
    """Copies what the bench runs into dest, so a concurrent rebuild cannot swap binaries mid-bench."""
    os.makedirs(os.path.join(dest, "bin"))
    os.makedirs(os.path.join(dest, "plugins"))
    os.makedirs(os.path.join(dest, "experiments"))
    for name in tools:
        src = os.path.join(build, "bin", name)
        if not os.path.exists(src):
            raise BenchError(f"{src} is missing; build with tools/setup")
        shutil.copy2(src, os.path.join(dest, "bin", name))
    for name in os.listdir(os.path.join(build, "plugins")):
        if name.endswith(".so"):
            shutil.copy2(os.path.join(build, "plugins", name), os.path.join(dest, "plugins", name))
    for model in ("rnn", "lstm", "gru"):
        shutil.copy2(os.path.join(ROOT, "experiments", f"sine_{model}.yaml"), os.path.join(dest, "experiments"))


