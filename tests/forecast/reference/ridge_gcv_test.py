#!/usr/bin/env python3
"""seqlab's ridge linear AR (GCV over its lambda grid) against baselines_numpy.py's independent hat-matrix GCV.

Runs `seqlab run experiments/sunspots_lstm.yaml` for one epoch, once as shipped (204 training windows for 13
coefficients) and once with window 24 and a 20% training period (37 windows for 25 coefficients, where the ridge
matters most and the run must say that the windows are few), and checks linear_ar.json's lambda and weights and
summary.json's linear AR test RMSE against numpy's. Usage: ridge_gcv_test.py SEQLAB SOURCE_DIR. Exit 77 (skipped)
without numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SEQLAB_TEST_SKIPPED: python3-numpy is not installed")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import baselines_numpy  # noqa: E402


def check(seqlab, source, window, split, few):
    with tempfile.TemporaryDirectory() as scratch:
        run = os.path.join(scratch, "run")
        args = [seqlab, "run", os.path.join(source, "experiments/sunspots_lstm.yaml"), "training.epochs=1",
                f"dataset.window={window}", f"dataset.split=[{split[0]}, {split[1]}, {1 - split[0] - split[1]:.2f}]",
                "--no-plots", "--out", run]
        done = subprocess.run(args, capture_output=True, text=True)
        print(done.stdout, done.stderr)
        assert done.returncode == 0, "seqlab run failed"
        fit = json.load(open(os.path.join(run, "linear_ar.json")))
        test = json.load(open(os.path.join(run, "summary.json")))["test"]
    ref = baselines_numpy.main(os.path.join(source, "experiments/data/sunspots.csv"), "sunactivity", window, split)
    assert fit["training_windows"] == ref["training_windows"], (fit["training_windows"], ref["training_windows"])
    assert ref["lambda"] > 0, "the fixture should need shrinkage"
    assert abs(fit["lambda"] - ref["lambda"]) <= 1e-12 * ref["lambda"], (fit["lambda"], ref["lambda"])
    weights = np.array(fit["weights"])
    assert weights.shape == ref["weights"].shape, (weights.shape, ref["weights"].shape)
    # The windows are float32 on both sides, but numpy's normalisation may round a value one float32 step off
    # seqlab's: the weights agree to about 1e-7 of their size, not to double rounding.
    assert np.allclose(weights, ref["weights"], rtol=1e-5, atol=1e-6), np.max(np.abs(weights - ref["weights"]))
    assert abs(test["linear_ar"]["rmse"] - ref["linear_ar_rmse"]) <= 1e-6 * ref["linear_ar_rmse"]
    assert test["linear_ar_lambda"] == fit["lambda"]
    noted = "fewer than ten per coefficient" in test.get("linear_ar_note", "")
    said = "fewer than ten per coefficient" in done.stdout
    assert noted == few and said == few, (few, noted, said)


def main(seqlab, source):
    check(seqlab, source, 12, (0.7, 0.15), few=False)
    check(seqlab, source, 24, (0.2, 0.4), few=True)
    print("ridge GCV matches numpy")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
