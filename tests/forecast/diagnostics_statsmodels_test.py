#!/usr/bin/python3
"""`seqlab validate`'s diagnostics against statsmodels 0.13, and its advice on a trending and a seasonal series.

Writes two monthly series (a trending+seasonal one like airline passengers, and a stationary seasonal one),
validates an experiment on each with split {validation: 24, test: 24}, and checks the printed KPSS statistic,
its lags and p-value against statsmodels.tsa.stattools.kpss(x, "c", nlags="auto") and the autocorrelation at the
period found against acf(np.diff(x)) on the same training rows; then the advice lines. A third run names the
validation and test periods by date on a wide table and checks `season: auto` is the period found.

usage: diagnostics_statsmodels_test.py SEQLAB_BINARY

Exit 77 (ctest: skipped, saying why) when numpy or statsmodels is missing, unless CI=true: then that is a failure.
"""
import os
import re
import subprocess
import sys
import tempfile
import warnings

SKIP = 77


def fail(message):
    print("FAILED: " + message, file=sys.stderr)
    sys.exit(1)


try:
    import numpy as np
    from statsmodels.tsa.stattools import acf, kpss
except ImportError as e:
    print("skipped: %s (install python3-numpy and python3-statsmodels)" % e, file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else SKIP)

warnings.simplefilter("ignore")  # statsmodels warns when the statistic is outside its p-value table

EXPERIMENT = """name: diagnostics
seed: 0
dataset: {plugin: csv, path: %s, time_column: month, window: 12, split: %s%s}
model: {plugin: rnn, hidden_size: 4, num_layers: 1}
loss: {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01}
training: {epochs: 1, batch_size: 0}
"""

LINE = re.compile(r"diagnostics: (\S+) \((\d+) training rows\): (.*?) \(KPSS ([0-9.e+-]+), p ([<>=]) ([0-9.]+), "
                  r"(\d+) lags\); (?:repeats every (\d+) rows \(autocorrelation ([0-9.-]+) at lag \d+\)|"
                  r"no seasonal period found)")


def validate(seqlab, folder, name, values, split="{validation: 24, test: 24}", more=""):
    data = os.path.join(folder, name + ".csv")
    with open(data, "w") as f:
        f.write("month,%s\n" % name)
        for i, v in enumerate(values):
            f.write("%04d-%02d-01,%.4f\n" % (1949 + i // 12, 1 + i % 12, v))
    experiment = os.path.join(folder, name + ".yaml")
    with open(experiment, "w") as f:
        f.write(EXPERIMENT % (data, split, more))
    result = subprocess.run([seqlab, "validate", experiment], capture_output=True, text=True)
    if result.returncode != 0:
        fail("seqlab validate %s: exit %d\n%s%s" % (experiment, result.returncode, result.stdout, result.stderr))
    return result.stdout


def check_against_statsmodels(out, values, period):
    m = LINE.search(out)
    if not m:
        fail("no diagnostics line in:\n" + out)
    rows = int(m.group(2))
    x = np.array(values, dtype=np.float32).astype(np.float64)[:rows]
    statistic, p_value, lags = kpss(x, "c", nlags="auto")[:3]
    if abs(float(m.group(4)) - statistic) > 1e-3 * abs(statistic):
        fail("KPSS %s, statsmodels %.6g\n%s" % (m.group(4), statistic, out))
    if int(m.group(7)) != lags:
        fail("KPSS lags %s, statsmodels %d\n%s" % (m.group(7), lags, out))
    shown = float(m.group(6))
    if m.group(5) == "=" and abs(shown - p_value) > 6e-4 or m.group(5) == "<" and p_value > 0.01 or \
            m.group(5) == ">" and p_value < 0.1:
        fail("KPSS p %s %s, statsmodels %.4f\n%s" % (m.group(5), m.group(6), p_value, out))
    if period is None:
        return m
    if m.group(8) is None or int(m.group(8)) != period:
        fail("expected a period of %d rows:\n%s" % (period, out))
    reference = acf(np.diff(x), nlags=period, fft=False)[period]
    if abs(float(m.group(9)) - reference) > 6e-5:
        fail("autocorrelation %s at lag %d, statsmodels %.6f\n%s" % (m.group(9), period, reference, out))
    return m


def main():
    seqlab = sys.argv[1]
    rng = np.random.default_rng(7)
    t = np.arange(144)
    airline = 100 + 2.0 * t + 30 * np.sin(2 * np.pi * t / 12) * (1 + t / 144) + rng.normal(0, 4, t.size)
    seasonal = 50 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1.5, t.size)
    with tempfile.TemporaryDirectory() as folder:
        out = validate(seqlab, folder, "passengers", airline)
        m = check_against_statsmodels(out, airline, 12)
        if int(m.group(2)) != 96 or not m.group(3).startswith("trends upward"):
            fail("expected 96 training rows trending upward:\n" + out)
        for advice in ["advice: passengers trends upward over the training period (KPSS p < 0.01): "
                       "try `dataset.difference: [1]`",
                       "advice: passengers repeats every 12 rows (autocorrelation "]:
            if advice not in out:
                fail("missing %r in:\n%s" % (advice, out))
        # Monthly dates: the season is advised as the month, a calendar input, rather than a seasonal difference.
        if "try `dataset.season: 12` and `dataset.calendar: [month]`" not in out:
            fail("expected the seasonal advice with the month:\n" + out)

        out = validate(seqlab, folder, "level", seasonal)
        m = check_against_statsmodels(out, seasonal, 12)
        if "trends" in out or "try `dataset.season: 12` and `dataset.calendar: [month]`" not in out:
            fail("expected no trend and the seasonal advice:\n" + out)
        # Told the season, only the calendar input remains to advise; given both, nothing.
        out = validate(seqlab, folder, "level", seasonal, more=", season: 12")
        if "dataset.season: 12" in out or "try `dataset.calendar: [month]`" not in out:
            fail("with season: 12 only the calendar input should be advised:\n" + out)
        out = validate(seqlab, folder, "level", seasonal, more=", season: 12, calendar: [month]")
        if "advice:" in out:
            fail("with season: 12 and calendar: [month] nothing should be advised:\n" + out)
        # season: auto takes the period found, and says so; dates name the periods.
        out = validate(seqlab, folder, "level", seasonal,
                       split="{validation_from: 1957-01-01, test_from: 1959-01-01}", more=", season: auto")
        m = check_against_statsmodels(out, seasonal, 12)
        if int(m.group(2)) != 96 or "season: auto is 12 rows" not in out or "dataset.season" in out:
            fail("expected season: auto to be 12 over 96 training rows:\n" + out)
    print("diagnostics match statsmodels; advice as expected")


main()
