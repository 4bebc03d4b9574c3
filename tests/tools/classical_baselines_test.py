#!/usr/bin/python3
"""tools/classical-baselines on a finished run: it scores the run's own predictors as the run did, and ETS and SARIMA
on the same test rows.

Trains a small csv run on a monthly trending+seasonal series (log, differences at 1 and 12, season 12; a few epochs),
runs the tool with --json, and checks: every test value the run scored is scored (the count), the model's,
persistence's and seasonal naive's RMSE and MAE recomputed by the tool from test_predictions.csv equal summary.json's
`test` (so the tool reads the rows the run scored), and ETS and SARIMA, fitted on the rows before the test period,
land near the truth (MASE below 2 on a series they model exactly up to noise). Then a run folder without series.csv
is refused with a message naming the file.

usage: classical_baselines_test.py SEQLAB_BINARY TOOL

Exit 77 (ctest: skipped, saying why) when statsmodels is missing, unless CI=true: then that is a failure.
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

SKIP = 77


def fail(message):
    print("FAILED: " + message, file=sys.stderr)
    sys.exit(1)


try:
    import statsmodels  # noqa: F401
except ImportError as e:
    print("skipped: %s (install python3-statsmodels)" % e, file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else SKIP)

EXPERIMENT = """name: classical
seed: 0
dataset: {plugin: csv, path: %s, time_column: month, targets: [sales], window: 24, season: 12, transform: log,
          difference: [1, 12], split: {validation: 24, test: 36}}
model: {plugin: gru, hidden_size: 8}
loss: {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training: {epochs: 5, batch_size: 32}
"""


def main():
    seqlab, tool = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "sales.csv")
        rng = random.Random(7)
        with open(data, "w") as f:
            f.write("month,sales\n")
            for i in range(180):  # 15 years: growth of 1% a month, a seasonal swing of 20%, 3% noise
                level = 100 * math.exp(0.01 * i) * (1 + 0.2 * math.sin(2 * math.pi * i / 12)) * math.exp(rng.gauss(0, 0.03))
                f.write("%04d-%02d-01,%.3f\n" % (2000 + i // 12, 1 + i % 12, level))
        experiment = os.path.join(folder, "classical.yaml")
        with open(experiment, "w") as f:
            f.write(EXPERIMENT % data)
        run = os.path.join(folder, "run")
        done = subprocess.run([seqlab, "run", experiment, "--no-plots", "--out", run], capture_output=True, text=True)
        if done.returncode != 0:
            fail("seqlab run failed:\n" + done.stdout + done.stderr)
        scores_file = os.path.join(folder, "scores.json")
        done = subprocess.run([tool, run, "--json", scores_file], capture_output=True, text=True)
        if done.returncode != 0:
            fail("the tool failed:\n" + done.stdout + done.stderr)
        print(done.stdout)
        with open(scores_file) as f:
            whole = json.load(f)
        if not whole["log"]:
            fail("the tool did not fit on logs though the run used transform: log")
        report = whole["targets"]["sales"]
        with open(os.path.join(run, "summary.json")) as f:
            test = json.load(f)["test"]
        if report["values"] != test["values"]:
            fail("the tool scored %d values, the run %d" % (report["values"], test["values"]))
        for name in ("model", "persistence", "seasonal_naive"):
            ours, theirs = report["scores"][name], test[name]
            for metric in ("rmse", "mae"):
                if not math.isclose(ours[metric], theirs[metric], rel_tol=1e-9):
                    fail("%s %s: the tool says %r, summary.json %r" % (name, metric, ours[metric], theirs[metric]))
        for name in ("ets", "sarima"):
            mase = report["scores"][name]["mase"]
            if not (0 < mase < 2):
                fail("%s MASE %r on a series it models up to noise" % (name, mase))
        os.remove(os.path.join(run, "series.csv"))
        done = subprocess.run([tool, run], capture_output=True, text=True)
        if done.returncode == 0 or "series.csv" not in done.stderr:
            fail("a run folder without series.csv was not refused by name:\n" + done.stderr)
    print("passed")


main()
