"""The cases: what is measured (seed, csv, width, large, sweep) and the CSV and experiment files they read."""
import json
import math
import os
import random

from .arithmetic import epoch_flops


class Case:
    """One measured configuration. data "sine": the seed experiments with overrides, one full batch of `batch`
    sequences. data "csv": a file the bench writes (see csv_files), `batch` training windows of `steps` rows and
    `input_size` features, trained in mini-batches of `batch_size`."""

    def __init__(self, section, model, hidden, batch, steps, epochs, threads, torch=True, layers=1, data="sine",
                 input_size=1, batch_size=0, lr=0.01):
        self.section, self.model, self.hidden, self.batch, self.steps = section, model, hidden, batch, steps
        self.epochs, self.threads, self.torch, self.layers = epochs, threads, torch, layers
        self.data, self.input_size, self.batch_size, self.lr = data, input_size, batch_size, lr
        self.flops = epoch_flops(model, hidden, batch, steps, layers, input_size)
        self.experiment = self.csv_path = None  # set by csv_files() for csv cases
        self.seqlab_runs, self.torch_runs = [], []
        self.before_runs, self.before_error = [], None  # --before: the other build's seqlab
        self.error = None

    @property
    def batches(self):
        """Optimizer steps per epoch."""
        return 1 if self.batch_size <= 0 else -(-self.batch // self.batch_size)

    @property
    def name(self):
        layers = f" L{self.layers}" if self.layers != 1 else ""
        if self.data == "csv":
            return f"{self.model} H{self.hidden}{layers} I{self.input_size} {self.batch}x{self.steps} b{self.batch_size}"
        return f"{self.model} H{self.hidden}{layers} {self.batch}x{self.steps}"


def sweep_epochs(flops):
    """Epochs for a sweep point: enough to have a steady median, few for the big ones."""
    if flops <= 10e9:
        return 20
    if flops <= 50e9:
        return 8
    return 4


# The mini-batch case on csv-like data: 20 input features, windows of 48 rows, the first column as the target
# (last), hidden 64, mini-batches of 64, Adam. CSV_ROWS rows split 0.8 / 0.2 / 0 give a training period of
# exactly CSV_TRAIN + CSV_WINDOW rows, hence CSV_TRAIN training windows, the same on both sides.
CSV_FEATURES, CSV_WINDOW, CSV_HIDDEN, CSV_BATCH, CSV_TRAIN, CSV_LR = 20, 48, 64, 64, 2000, 0.001
CSV_SPLIT = (0.8, 0.2, 0.0)
CSV_TARGET = 3.0  # the requirement: seqlab at least this many times faster than PyTorch at 1 thread
CSV_ROWS = round((CSV_TRAIN + CSV_WINDOW) / CSV_SPLIT[0])
# The input-width check (seqlab only): the same case, LSTM, 1 thread, at these widths.
WIDTHS = (1, 2, 4, 8, 16, 20, 32, 50)


def build_cases(args):
    cases = []
    for model in ("rnn", "lstm", "gru"):
        for threads in (1, 2):
            cases.append(Case("seed", model, 32, 1000, 50, args.seed_epochs, threads))
    for model in ("lstm", "rnn"):
        for threads in ((1,) if args.quick else (1, 2)):
            cases.append(Case("csv", model, CSV_HIDDEN, CSV_TRAIN, CSV_WINDOW, args.csv_epochs, threads, data="csv",
                              input_size=CSV_FEATURES, batch_size=CSV_BATCH, lr=CSV_LR))
    if not args.quick or args.widths:
        for width in WIDTHS:
            cases.append(Case("width", "lstm", CSV_HIDDEN, CSV_TRAIN, CSV_WINDOW, args.csv_epochs, 1, torch=False,
                              data="csv", input_size=width, batch_size=CSV_BATCH, lr=CSV_LR))
    if args.quick:
        hiddens, batches = (32, 64, 128), (100, 1000)
    else:
        for threads in (1, 2):
            cases.append(Case("large", "lstm", 128, 10000, 100, args.large_epochs, threads))
        hiddens, batches = (32, 64, 128, 256, 512), (100, 1000, 10000)
    points = [(h, 1000) for h in hiddens] + [(128, b) for b in batches if b != 1000]
    for hidden, batch in points:
        flops = epoch_flops("lstm", hidden, batch, 50)
        cases.append(Case("sweep", "lstm", hidden, batch, 50, sweep_epochs(flops), args.sweep_threads,
                          torch=flops <= args.sweep_torch_gflop * 1e9))
    return cases


def write_series_csv(path, rows, columns, seed):
    """A header f0..f{columns-1}, then rows of smooth random-ish series: per column three sines of random period
    (20-400 rows), amplitude and phase, plus a slowly varying AR(1) noise. Standard library only."""
    rng = random.Random(seed)
    waves = [[(rng.uniform(0.2, 1.0), 2 * math.pi / rng.uniform(20, 400), rng.uniform(0, 2 * math.pi))
              for _ in range(3)] for _ in range(columns)]
    noise = [0.0] * columns
    with open(path, "w") as f:
        f.write(",".join(f"f{j}" for j in range(columns)) + "\n")
        for t in range(rows):
            cells = []
            for j in range(columns):
                noise[j] = 0.9 * noise[j] + 0.1 * rng.gauss(0.0, 1.0)
                cells.append(f"{sum(a * math.sin(w * t + p) for a, w, p in waves[j]) + 0.3 * noise[j]:.5f}")
            f.write(",".join(cells) + "\n")


def csv_files(cases, work):
    """Writes the CSV files and one experiment file per csv case into work, and points the cases at them."""
    paths = {}
    for case in cases:
        if case.data != "csv":
            continue
        # The mini-batch case reads all of a file of exactly its features (so the baseline can read every column);
        # the width check reads the first input_size columns of one wide file.
        columns = CSV_FEATURES if case.section == "csv" else max(WIDTHS)
        if columns not in paths:
            paths[columns] = os.path.join(work, f"series{columns}.csv")
            write_series_csv(paths[columns], CSV_ROWS, columns, seed=columns)
        case.csv_path = paths[columns]
        case.experiment = os.path.join(work, f"csv_{case.section}_{case.model}_i{case.input_size}.yaml")
        features = ", ".join(f"f{j}" for j in range(case.input_size))
        with open(case.experiment, "w") as f:
            f.write(f"""# Written by tools/bench: {case.name}
name: bench_{case.section}_{case.model}
seed: 0
dataset:
  plugin: csv
  path: {json.dumps(case.csv_path)}
  columns: [{features}]
  targets: [f0]
  window: {case.steps}
  split: [{', '.join(str(x) for x in CSV_SPLIT)}]
  normalize: zscore
model: {{plugin: {case.model}, hidden_size: {case.hidden}, num_layers: {case.layers}}}
loss: {{plugin: mse}}
optimizer: {{plugin: adam, lr: {case.lr}}}
training: {{epochs: {case.epochs}, batch_size: {case.batch_size}, log_every: 0}}
""")

