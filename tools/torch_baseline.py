#!/usr/bin/python3
"""tools/torch_baseline.py: seqlab's PyTorch baseline, the fixed sine-wave RNN/LSTM tutorial that tools/bench runs.

It is ../shared/reference/torch_seed.py (same model classes, data generation, Adam,
MSE, thread handling and epoch timing) plus only what the bench needs:
  --layers L          stacked layers (nn.RNN/nn.LSTM num_layers; h0/c0 get L rows)
  --eval-samples 0    skips the held-out evaluation (eval_mse is then null)
  "epoch_ms"          every epoch's time in the JSON line, so the bench can apply one
                      statistic to seqlab and PyTorch alike; "median_epoch_ms" names
                      the reference's (misnamed) "mean_epoch_ms", which is kept as is.
Epoch time means what it means in the reference: wall time of model.train(), zero_grad,
forward, loss, backward and optimizer.step, one full batch; the reported median is over
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
p.add_argument("--model", choices=["rnn", "lstm"], default="rnn")
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

    X, y = generate_data(args.samples, args.seq)
    tgt = y if seq2seq else y[:, -1, :]
    if args.eval_samples > 0:  # drawn after the training set, so skipping it leaves training unchanged
        Xe, ye = generate_data(args.eval_samples, args.seq)  # fresh held-out set (same RNG stream, after train)
        tgte = ye if seq2seq else ye[:, -1, :]

    Model = SimpleRNN if args.model == "rnn" else SimpleLSTM
    model = Model(1, args.hidden, 1, seq2seq, args.layers)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)

    epoch_s = []
    t_total = time.perf_counter()
    loss = None
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        optimizer.zero_grad()
        outputs = model(X)
        loss = criterion(outputs, tgt)
        loss.backward()
        optimizer.step()
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
        "hidden": args.hidden,
        "layers": args.layers,
        "samples": args.samples,
        "seq": args.seq,
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
