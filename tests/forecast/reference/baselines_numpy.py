#!/usr/bin/env python3
"""An independent reference for seqlab's test-split baselines, in numpy (Debian's python3-numpy).

For a CSV series and seqlab's csv defaults (split [0.7, 0.15, 0.15] of the rows in time, z-score fitted on
the training rows, stride 1, horizon 1, target last) it cuts the windows the way docs/your-own-data.md says, then
prints the RMSE, in the data's units, of persistence and of the least-squares linear AR on the flattened
window plus an intercept, fitted on the training windows. tests/forecast/test_baselines_reference.cpp holds
what this printed; rerun it when the rules change:

    python3 tests/forecast/reference/baselines_numpy.py experiments/data/sunspots.csv sunactivity 12
    python3 tests/forecast/reference/baselines_numpy.py experiments/data/electricity_load.csv load,temperature 24

COLUMNS are the input columns, the first of them the target.
"""
import csv
import sys

import numpy as np


def main(path, columns, window):
    rows = [r for r in csv.reader(line for line in open(path) if not line.startswith("#"))]
    header, rows = rows[0], rows[1:]
    x = np.array([[float(r[header.index(c)]) for c in columns.split(",")] for r in rows])
    n = len(x)
    train_end, val_end = int(np.floor(n * 0.7)), int(np.floor(n * 0.85))
    mean, std = x[:train_end].mean(axis=0), x[:train_end].std(axis=0)
    z = ((x - mean) / std).astype(np.float32)  # seqlab's model units are float32

    def windows(lo, hi):  # every window whose target row lies in [lo, hi), flattened step by step
        ends = np.array([e for e in range(window - 1, n - 1) if lo <= e + 1 < hi])
        return np.array([z[e - window + 1:e + 1].ravel() for e in ends], dtype=np.float64), ends

    train, train_ends = windows(0, train_end)
    train_y = z[train_ends + 1, 0].astype(np.float64)
    test, test_ends = windows(val_end, n)
    truth = x[test_ends + 1, 0]
    design = np.c_[train, np.ones(len(train))]
    weights = np.linalg.lstsq(design, train_y, rcond=None)[0]
    ar = (np.c_[test, np.ones(len(test))] @ weights) * std[0] + mean[0]
    persistence = x[test_ends, 0]
    rmse = lambda p: float(np.sqrt(np.mean((p - truth) ** 2)))  # noqa: E731
    print(f"windows {len(test)} persistence_rmse {rmse(persistence)!r} linear_ar_rmse {rmse(ar)!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
