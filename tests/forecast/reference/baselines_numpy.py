#!/usr/bin/env python3
"""An independent reference for seqlab's test-split baselines, in numpy (Debian's python3-numpy).

For a CSV series and seqlab's csv defaults (split [0.7, 0.15, 0.15] of the rows in time unless given, z-score
fitted on the training rows, stride 1, horizon 1, target first) it cuts the windows the way docs/your-own-data.md
says, then prints the RMSE, in the data's units, of persistence and of the ridge linear AR on the flattened window
plus an unpenalised intercept, fitted on the training windows with its strength chosen by generalised
cross-validation. GCV here is computed from the hat matrix itself (its trace and (I - H) y), not from an SVD as
seqlab does, so the two are independent. tests/forecast/test_baselines_reference.cpp holds what this printed;
tests/forecast/reference/ridge_gcv_test.py runs it beside seqlab. Rerun it when the rules change:

    python3 tests/forecast/reference/baselines_numpy.py experiments/data/sunspots.csv sunactivity 12
    python3 tests/forecast/reference/baselines_numpy.py experiments/data/electricity_load.csv load,temperature 24

COLUMNS are the input columns, the first of them the target; SPLIT (optional) the training and validation
fractions, e.g. 0.2,0.4.
"""
import csv
import sys

import numpy as np


def lambda_grid(n):
    """seqlab's grid (forecast/ridge_gcv.hpp): 0, then n * 10^(k/4) for k = -24 ... 8."""
    return [0.0] + [n * 10.0 ** (k / 4.0) for k in range(-24, 9)]


def ridge_gcv(x, y):
    """Ridge on the standardised columns of x (population sd; constant columns dropped), intercept unpenalised.
    Returns (lambda, weights on [x, 1] in x's units, gcv)."""
    n, p = x.shape
    mean, sd = x.mean(axis=0), x.std(axis=0)
    active = sd > 0
    z = (x[:, active] - mean[active]) / sd[active]
    ones = np.ones((n, 1)) / np.sqrt(n)
    best = None
    for lam in lambda_grid(n):
        # H = 11'/n + Z (Z'Z + lam I)^+ Z', pinv for the minimum-norm solution at lam = 0.
        h = ones @ ones.T + z @ np.linalg.pinv(z.T @ z + lam * np.eye(z.shape[1])) @ z.T
        df = np.trace(h)
        if df >= n - 1e-9:
            continue
        rss = float(np.sum(((np.eye(n) - h) @ y) ** 2))
        gcv = (rss / n) / (1 - df / n) ** 2
        if best is None or gcv < best[1] * (1 - 1e-9):
            best = (lam, gcv)
    lam = best[0] if best else 0.0
    yc = y - y.mean(axis=0)
    beta = np.linalg.pinv(z.T @ z + lam * np.eye(z.shape[1])) @ z.T @ yc
    w = np.zeros((p + 1, y.shape[1]))
    w[:p][active] = beta / sd[active][:, None]
    w[p] = y.mean(axis=0) - mean @ w[:p]
    return lam, w, (best[1] if best else float("nan"))


def main(path, columns, window, split=(0.7, 0.15)):
    rows = [r for r in csv.reader(line for line in open(path) if not line.startswith("#"))]
    header, rows = rows[0], rows[1:]
    x = np.array([[float(r[header.index(c)]) for c in columns.split(",")] for r in rows])
    n = len(x)
    train_end, val_end = int(np.floor(n * split[0])), int(np.floor(n * (split[0] + split[1])))
    mean, std = x[:train_end].mean(axis=0), x[:train_end].std(axis=0)
    z = ((x - mean) / std).astype(np.float32)  # seqlab's model units are float32

    def windows(lo, hi):  # every window whose target row lies in [lo, hi), flattened step by step
        ends = np.array([e for e in range(window - 1, n - 1) if lo <= e + 1 < hi])
        return np.array([z[e - window + 1:e + 1].ravel() for e in ends], dtype=np.float64), ends

    train, train_ends = windows(0, train_end)
    train_y = z[train_ends + 1, 0].astype(np.float64)[:, None]
    test, test_ends = windows(val_end, n)
    truth = x[test_ends + 1, 0]
    lam, weights, _ = ridge_gcv(train, train_y)
    ar = (np.c_[test, np.ones(len(test))] @ weights[:, 0]) * std[0] + mean[0]
    persistence = x[test_ends, 0]
    rmse = lambda p: float(np.sqrt(np.mean((p - truth) ** 2)))  # noqa: E731
    print(f"windows {len(test)} training_windows {len(train)} persistence_rmse {rmse(persistence)!r} "
          f"linear_ar_rmse {rmse(ar)!r} lambda {lam!r}")
    return {"windows": len(test), "training_windows": len(train), "persistence_rmse": rmse(persistence),
            "linear_ar_rmse": rmse(ar), "lambda": lam, "weights": weights}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]),
         tuple(float(v) for v in sys.argv[4].split(",")) if len(sys.argv) > 4 else (0.7, 0.15))
