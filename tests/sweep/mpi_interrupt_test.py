#!/usr/bin/env python3
"""Ctrl-C under mpirun: a real ^C on a terminal (a pseudo-terminal here) while an MPI sweep runs.

The job must end with a non-zero exit, leave no trial process behind, and record only trials that finished; the
same command run again must skip exactly those, rerun the interrupted ones and complete the sweep.
Usage: mpi_interrupt_test.py SEQLAB_BINARY MPIRUN
"""
import glob
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

# Six trials of a few seconds each (3000 epochs): long enough to interrupt some while they run.
EXPERIMENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lstm_sweep.yaml")
EPOCHS = "training.epochs=3000"
# Time limits are Release seconds times this (ctest passes it with the TIMEOUT; sanitizer builds run slower).
SCALE = int(os.environ.get("SEQLAB_TEST_TIMEOUT_SCALE", "1"))


def fail(message, output=""):
    print(f"FAIL: {message}", file=sys.stderr)
    for line in output.splitlines():
        print(f"  mpirun: {line}", file=sys.stderr)
    sys.exit(1)


def run_in_terminal(argv, interrupt_after, limit_s=90 * SCALE):
    """Runs argv on a pseudo-terminal, types ^C once `interrupt_after` appears in its output; (exit code, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    output, sent, started = b"", False, time.monotonic()
    while time.monotonic() - started < limit_s:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:  # the terminal closed: every process on it has exited
                break
            if not data:
                break
            output += data
        if not sent and interrupt_after.encode() in output:
            os.write(fd, b"\x03")
            sent = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace"), sent


def trial_processes(sweep_folder):
    """The pids of processes still running this sweep's trials (`seqlab run ... --out SWEEP/trials/ID ...`)."""
    found = subprocess.run(["pgrep", "-f", "--", f"--out {sweep_folder}/trials/"], capture_output=True, text=True)
    return found.stdout.split()


def finished_trials(sweep_folder):
    """Trials the rerun must skip: those whose run completed. Usually the sweep recorded them; one that completed
    just as ^C arrived may have lost its rank before the record was written, and the rerun adopts it."""
    count = 0
    for trial in glob.glob(os.path.join(sweep_folder, "trials", "*")):
        try:
            with open(os.path.join(trial, "summary.json")) as f:
                completed = json.load(f).get("status") == "completed"
        except (OSError, ValueError):
            completed = False
        count += completed
    return count


def main():
    seqlab, mpirun = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sweep")
        mpi = [mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader",
               "-np", "3", seqlab, "sweep", EXPERIMENT, EPOCHS, "--backend", "mpi", "--out", out]

        code, output, sent = run_in_terminal(mpi, "[1/6]")
        print(output)
        if not sent:
            fail("no trial finished before the time limit", output)
        if code == 0:
            fail("an interrupted sweep must not exit 0", output)
        if "interrupted" not in output:
            fail("no rank reported the interruption", output)
        # Stopped trials get SIGTERM from their rank and write their checkpoint first; give them 10 s (scaled: under
        # the sanitizers a trial's checkpoint write and exit-time leak check take several times longer).
        for _ in range(100 * SCALE):
            if not trial_processes(out):
                break
            time.sleep(0.1)
        else:
            fail(f"trial processes outlived the interrupted sweep: {trial_processes(out)}", output)
        finished = finished_trials(out)
        if not 1 <= finished < 6:
            fail(f"expected some but not all trials recorded after ^C, found {finished}", output)

        again = subprocess.run(mpi, capture_output=True, text=True, timeout=120 * SCALE)
        print(again.stdout + again.stderr)
        if again.returncode != 0:
            fail(f"the resumed sweep exited {again.returncode}", again.stdout + again.stderr)
        if f"6 trials, {6 - finished} to run" not in again.stdout:
            fail(f"the rerun should run exactly the {6 - finished} unfinished trials", again.stdout)
        if "collected 6 trials: 6 completed, 0 failed" not in again.stdout:
            fail("the resumed sweep did not complete every trial", again.stdout)
    print("PASS")


if __name__ == "__main__":
    main()
