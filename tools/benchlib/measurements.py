"""The measurements: the sgemm peak, start-up, CSV parsing, every case on every side, the halving sweep."""
import datetime
import json
import os
import random
import statistics
import subprocess
import time

from . import ROOT, log
from .children import BenchError, fmt_cores, spawn, wait_quiet


def sgemm_peak(snap, threads):
    child = spawn([os.path.join(snap, "bin", "seqlab_sgemm_peak"), "--threads", str(threads)])
    if child.rc != 0:
        raise BenchError(f"seqlab_sgemm_peak failed: {child.err}")
    result = json.loads(child.out)
    result["other_cores"] = child.other_cores
    return result


def openblas_own_choice(snap):
    """The kernels OpenBLAS picks on this CPU by itself: the probe once more, OPENBLAS_CORETYPE removed."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    child = spawn([os.path.join(snap, "bin", "seqlab_sgemm_peak"), "--sizes", "64", "--reps", "1"], env=env)
    try:
        return json.loads(child.out)["core"] if child.rc == 0 else None
    except (ValueError, KeyError):
        return None


def startup(seqlab, reps):
    rows = []
    lstm = seqlab.experiment("lstm")
    for label, argv in (("`seqlab --version` (process start)", ["--version"]),
                        ("`seqlab plugins` (+ plugin discovery and loading)", ["plugins"]),
                        ("`seqlab validate sine_lstm.yaml` (+ YAML, data, one shape check)", ["validate", lstm])):
        times = []
        for _ in range(reps):
            child = spawn([seqlab.bin] + argv)
            if child.rc != 0:
                raise BenchError(f"seqlab {' '.join(argv)} failed: {child.err}")
            times.append(child.wall_s * 1e3)
        rows.append((label, statistics.median(times), min(times), max(times)))
    return rows


PARSE_BYTES = 100e6  # the parse section's file: about this many bytes
PARSE_COLUMNS = 5  # numbers per row, after an ISO-8601 time
PARSE_WINDOWS = 2000  # about this many windows are cut from it: a stride that keeps the run about parsing
PARSE_TARGET_S, PARSE_TARGET_RSS = 2.0, 3.0  # the requirements: seconds, and peak RSS ÷ numeric data


def write_parse_csv(path, target_bytes, columns=PARSE_COLUMNS, seed=0):
    """A header, then one row per minute from 2000-01-01: an ISO-8601 time and `columns` random walks with 3
    decimals, until the file holds target_bytes. Days repeat one of 16 pre-formatted day patterns, so the file
    is written at disk speed; the parser does not care. Returns (rows, bytes)."""
    rng = random.Random(seed)
    level = [rng.uniform(-50, 50) for _ in range(columns)]
    patterns = []
    for _ in range(16):
        day_rows = []
        for minute in range(24 * 60):
            for j in range(columns):
                level[j] += rng.gauss(0, 0.5)
            day_rows.append(f"T{minute // 60:02d}:{minute % 60:02d}:00," + ",".join(f"{v:.3f}" for v in level))
        patterns.append(day_rows)
    day = datetime.date(2000, 1, 1)
    rows = written = 0
    with open(path, "w") as f:
        text = "time," + ",".join(f"x{j}" for j in range(columns)) + "\n"
        while True:
            f.write(text)
            written += len(text)
            if written >= target_bytes:
                return rows, written
            date = day.isoformat()
            pattern = patterns[day.toordinal() % len(patterns)]
            text = date + ("\n" + date).join(pattern) + "\n"
            rows += len(pattern)
            day += datetime.timedelta(days=1)


class ParseResult:
    def __init__(self, label, rows, size, stride, summary_line):
        self.label, self.rows, self.size, self.stride, self.summary_line = label, rows, size, stride, summary_line
        self.wall_s, self.maxrss_kib, self.other_cores = [], [], []


def parse_bench(seqlab, work, reps, quiet_s):
    """`seqlab validate` on an experiment reading a ~100 MB CSV, alternating with the same on a one-day file
    (start-up and fixed costs): wall time and peak RSS of each child."""
    t0 = time.perf_counter()
    files = []
    for label, size in (("large", PARSE_BYTES), ("one day", 1000)):
        path = os.path.join(work, f"parse_{len(files)}.csv")
        rows, written = write_parse_csv(path, size)
        stride = max(1, rows // PARSE_WINDOWS)
        experiment = os.path.join(work, f"parse_{len(files)}.yaml")
        with open(experiment, "w") as f:
            f.write(f"""# Written by tools/bench: the CSV parse measurement
name: bench_parse
seed: 0
dataset: {{plugin: csv, path: {json.dumps(path)}, time_column: time, targets: [x0], window: 24, stride: {stride}}}
model: {{plugin: lstm, hidden_size: 8}}
loss: {{plugin: mse}}
optimizer: {{plugin: adam}}
training: {{epochs: 1}}
""")
        files.append((ParseResult(label, rows, written, stride, ""), experiment))
    generate_s = time.perf_counter() - t0
    for rep in range(reps):
        for result, experiment in files:
            wait_quiet(quiet_s)
            child = spawn([seqlab.bin, "validate", experiment])
            if child.rc != 0:
                raise BenchError(f"seqlab validate {experiment} failed (exit {child.rc}): {child.err[-2000:]}")
            result.wall_s.append(child.wall_s)
            result.maxrss_kib.append(child.maxrss_kib)
            result.other_cores.append(child.other_cores)
            result.summary_line = child.out.strip().splitlines()[0].split(": ", 1)[-1] if child.out.strip() else ""
            log(f"[parse] rep {rep + 1}/{reps} {result.label:8} {child.wall_s * 1e3:7.0f} ms  "
                f"rss {child.maxrss_kib / 1024:6.0f} MiB  (other processes {fmt_cores(child.other_cores)} cores)")
    return {"results": [r for r, _ in files], "generate_s": generate_s, "reps": reps}


def measure(cases, reps, seqlab, torch, quiet_s, before=None):
    """Every case `reps` times: seqlab, then PyTorch and the --before build when given, the order flipping
    every repetition so that drift hits all sides."""
    jobs = sum(1 + (c.torch and torch is not None) + (before is not None) for c in cases) * reps
    done = 0
    for rep in range(reps):
        for case in cases:
            if case.error:
                continue
            sides = [("seqlab", seqlab, case.seqlab_runs)]
            if case.torch and torch is not None:
                sides.append(("PyTorch", torch, case.torch_runs))
            if before is not None and not case.before_error:
                sides.append(("before", before, case.before_runs))
            if rep % 2 == 1:
                sides.reverse()
            for label, side, runs in sides:
                done += 1
                wait_quiet(quiet_s)
                t0 = time.perf_counter()
                try:
                    run = side.run(case, case.threads)
                except BenchError as e:
                    log(f"error: {e}")
                    if label == "before":  # e.g. a case the older build cannot run: that column only
                        case.before_error = str(e).splitlines()[0]
                        continue
                    case.error = str(e).splitlines()[0]
                    break
                runs.append(run)
                log(f"[{done}/{jobs}] rep {rep + 1}/{reps} {case.section:5} {case.name:22} t{case.threads} "
                    f"{label:7} median {run.median_ms:9.1f} ms/epoch  rss {run.maxrss_kib / 1024:7.0f} MiB  "
                    f"({time.perf_counter() - t0:.1f} s; other processes {fmt_cores(run.other_cores)} cores)")




def halving_section():
    """tools/bench-halving's report on experiments/sine_halving_sweep.yaml, as the report's last section."""
    log("tools/bench: halving sweep against the full grid")
    done = subprocess.run([os.path.join(ROOT, "tools", "bench-halving"), "--seqlab",
                           os.path.join(ROOT, "build", "bin", "seqlab")], capture_output=True, text=True)
    halving = done.stdout.split("\n", 1)[1] if done.returncode == 0 else f"\nfailed: {done.stderr[-500:]}\n"
    return "\n## Successive halving against the full grid (tools/bench-halving)\n" + halving
