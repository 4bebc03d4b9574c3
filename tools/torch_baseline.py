#!/usr/bin/python3
"""tools/torch_baseline.py: seqlab's PyTorch baseline, the fixed sine-wave RNN/LSTM tutorial that tools/bench runs.

It is ../shared/reference/torch_seed.py (same model classes, data generation, Adam,
MSE, thread handling and epoch timing) plus only what the bench needs:
  --layers L          stacked layers (nn.RNN/nn.LSTM num_layers; h0/c0 get L rows)
  --model gru         nn.GRU, built as the reference's SimpleRNN with nn.GRU in place of nn.RNN
  --eval-samples 0    skips the held-out evaluation (eval_mse is then null)
  "epoch_ms"          every epoch's time in the JSON line, so the bench can apply one
                      statistic to seqlab and PyTorch alike; "median_epoch_ms" names
                      the reference's (misnamed) "mean_epoch_ms", which is kept as is.
  --csv PATH          windows of a CSV file instead of the sine data, cut as seqlab's `csv`
                      dataset cuts them (target last, horizon 1): a header line, then one
                      numeric column per feature, every column an input; window s is rows
                      [s, s + seq) and its target is --target-column at row s + seq. The
                      first --samples windows are the training set, so rows [0, samples + seq)
                      are the training period, and each column is z-scored (mean, population
                      std) on those rows only. The bench sizes the file so that this is
                      seqlab's training period too.
  --batch-size B      mini-batches of B sequences (0, the default: one full batch), in a fresh
                      random order every epoch (torch.randperm), the last one smaller, as
                      seqlab's trainer does with shuffle on.
Epoch time means what it means in the reference: wall time of model.train(), zero_grad,
forward, loss, backward and optimizer.step, one full batch; with --batch-size, of the whole
pass over the mini-batches (shuffling and indexing included). The reported median is over
the epochs after 3 warm-up epochs (all epochs when there are 3 or fewer).

Run with Debian's interpreter (/usr/bin/python3, which has python3-torch 1.13.1).

Fix vs. the tutorial: the tutorial compares a (N,1) output with a (N,T,1) target,
which does not broadcast. mode=last uses target = y[:, -1, :]; mode=seq2seq applies
the Linear to every time step and uses the full y (N,T,1) as target.

Threads: --threads sets torch.set_num_threads(n) AND (before torch is imported)
OPENBLAS_NUM_THREADS/OMP_NUM_THREADS, because Debian's torch calls the pthread
OpenBLAS (via libblas.so.3) whose thread pool ignores torch.set_num_threads.
Use --blas-threads to override the OpenBLAS count separately (-1 = leave env alone).
"""
import argparse
import ctypes
import json
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--model", choices=["rnn", "lstm", "gru"], default="rnn")
p.add_argument("--mode", choices=["last", "seq2seq"], default="last")
p.add_argument("--epochs", type=int, default=100)
p.add_argument("--hidden", type=int, default=32)
p.add_argument("--layers", type=int, default=1)
p.add_argument("--samples", type=int, default=1000)
p.add_argument("--seq", type=int, default=50)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--blas-threads", type=int, default=None,
               help="OpenBLAS threads (default: = --threads; -1: do not touch env)")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--eval-samples", type=int, default=200)
p.add_argument("--csv", default=None, help="windows of this CSV file instead of the sine data (see above)")
p.add_argument("--target-column", type=int, default=0, help="with --csv: the 0-based column to predict")
p.add_argument("--batch-size", type=int, default=0, help="sequences per mini-batch (0: full batch)")
p.add_argument("--quiet", action="store_true", help="do not print the every-10-epoch loss lines")
args = p.parse_args()

blas_threads = args.threads if args.blas_threads is None else args.blas_threads
if blas_threads >= 0:
    os.environ["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)

import numpy as np  # noqa: E402  (after env setup on purpose)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.optim as optim  # noqa: E402

torch.set_num_threads(args.threads)


def openblas_info():
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_num_threads(), lib.openblas_get_corename().decode()
    except OSError:
        return None, None


def blas_libraries():
    """The BLAS/LAPACK shared objects this process has mapped (resolved paths), from /proc/self/maps."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split(None, 5)[-1].strip() if len(line.split(None, 5)) == 6 else ""
                name = os.path.basename(path)
                if "blas" in name or "lapack" in name:
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def generate_data(num_samples, seq_length):
    # identical to the tutorial (np.random.rand start, linspace over 2*pi, shift 0.1)
    X, y = [], []
    for _ in range(num_samples):
        start = np.random.rand()
        x = np.linspace(start, start + 2 * np.pi, seq_length)
        X.append(np.sin(x))
        y.append(np.sin(x + 0.1))
    X = torch.tensor(np.array(X), dtype=torch.float32).unsqueeze(-1)
    y = torch.tensor(np.array(y), dtype=torch.float32).unsqueeze(-1)
    return X, y


def csv_windows(path, samples, seq, target_column, extra):
    """(X (n, seq, F), y (n, seq, 1)) for the first samples + extra windows of path; y's last step is the
    target (the row after the window), the rest is unused padding so that mode=last reads y[:, -1, :]."""
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    train = data[:samples + seq]
    mean, std = train.mean(axis=0), train.std(axis=0)
    std[std == 0] = 1.0
    data = ((data - mean) / std).astype(np.float32)
    n = samples + extra
    if n + seq > len(data):
        sys.exit(f"{path}: {len(data)} rows hold {max(0, len(data) - seq)} windows of {seq}, not {n}")
    starts = np.arange(n)[:, None] + np.arange(seq)[None, :]
    X = torch.from_numpy(data[starts])
    y = torch.zeros(n, seq, 1)
    y[:, -1, 0] = torch.from_numpy(data[np.arange(n) + seq, target_column])
    return X, y


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, seq2seq, num_layers=1):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.seq2seq = seq2seq
        self.rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        out, _ = self.rnn(x, h0)
        return self.fc(out) if self.seq2seq else self.fc(out[:, -1, :])


class SimpleGRU(SimpleRNN):
    """SimpleRNN with nn.GRU in place of nn.RNN: the same zero h0 and head."""

    def __init__(self, input_size, hidden_size, output_size, seq2seq, num_layers=1):
        super().__init__(input_size, hidden_size, output_size, seq2seq, num_layers)
        self.rnn = nn.GRU(input_size, hidden_size, num_layers=num_layers, batch_first=True)


class SimpleLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, seq2seq, num_layers=1):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.seq2seq = seq2seq
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        out, _ = self.lstm(x, (h0, c0))
        return self.fc(out) if self.seq2seq else self.fc(out[:, -1, :])


def main():
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    seq2seq = args.mode == "seq2seq"

    if args.csv:
        if seq2seq:
            sys.exit("--csv supports --mode last only")
        X, y = csv_windows(args.csv, args.samples, args.seq, args.target_column, max(args.eval_samples, 0))
        Xe, ye = X[args.samples:], y[args.samples:]  # the windows after the training ones
        X, y = X[:args.samples], y[:args.samples]
        tgte = ye[:, -1, :]
    else:
        X, y = generate_data(args.samples, args.seq)
    tgt = y if seq2seq else y[:, -1, :]
    if args.eval_samples > 0 and not args.csv:  # drawn after the training set, so skipping it leaves training unchanged
        Xe, ye = generate_data(args.eval_samples, args.seq)  # fresh held-out set (same RNG stream, after train)
        tgte = ye if seq2seq else ye[:, -1, :]

    Model = {"rnn": SimpleRNN, "lstm": SimpleLSTM, "gru": SimpleGRU}[args.model]
    model = Model(X.shape[2], args.hidden, 1, seq2seq, args.layers)
    batch = args.batch_size if 0 < args.batch_size < len(X) else len(X)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)

    epoch_s = []
    t_total = time.perf_counter()
    loss = None
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        if batch == len(X):
            optimizer.zero_grad()
            outputs = model(X)
            loss = criterion(outputs, tgt)
            loss.backward()
            optimizer.step()
        else:
            order = torch.randperm(len(X))
            loss_sum = 0.0
            for first in range(0, len(X), batch):
                rows = order[first:first + batch]
                optimizer.zero_grad()
                loss = criterion(model(X[rows]), tgt[rows])
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * len(rows)  # as seqlab's epoch loss: the mean over sequences
            loss = torch.tensor(loss_sum / len(X))
        epoch_s.append(time.perf_counter() - t0)
        if (epoch + 1) % 10 == 0 and not args.quiet:
            print(f"Epoch [{epoch + 1}/{args.epochs}], Loss: {loss.item():.6f}", flush=True)
    total_train_s = time.perf_counter() - t_total

    eval_mse = None
    if args.eval_samples > 0:
        model.eval()
        with torch.no_grad():
            eval_mse = criterion(model(Xe), tgte).item()

    timed = epoch_s[3:] if len(epoch_s) > 3 else epoch_s
    nblas, core = openblas_info()
    res = {
        "impl": "pytorch-python",
        "model": args.model,
        "mode": args.mode,
        "threads": args.threads,
        "blas_threads": nblas,
        "blas_core": core,
        "blas_library": blas_libraries(),
        "hidden": args.hidden,
        "layers": args.layers,
        "samples": args.samples,
        "seq": args.seq,
        "input_size": int(X.shape[2]),
        "batch_size": batch,
        "data": args.csv or "sine",
        "seed": args.seed,
        "epochs": args.epochs,
        "final_loss": loss.item(),
        "mean_epoch_ms": float(np.median(timed)) * 1e3,  # median over epochs after 3 warm-up epochs
        "median_epoch_ms": float(np.median(timed)) * 1e3,  # the same number, correctly named
        "epoch_ms": [t * 1e3 for t in epoch_s],
        "min_epoch_ms": float(np.min(timed)) * 1e3,
        "max_epoch_ms": float(np.max(timed)) * 1e3,
        "first_epoch_ms": epoch_s[0] * 1e3,
        "total_train_s": total_train_s,
        "eval_mse": eval_mse,
        "torch": torch.__version__,
    }
    if os.environ.get("DUMP_EPOCH_MS"):
        print("epoch_ms:", " ".join(f"{t * 1e3:.1f}" for t in epoch_s), file=sys.stderr)
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
