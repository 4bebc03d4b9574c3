"""The markdown report: start-up, observations and the page itself, from what one invocation measured."""
import statistics

from .arithmetic import epoch_flops, summarize
from .cases import CSV_BATCH, CSV_FEATURES, CSV_HIDDEN, CSV_LR, CSV_ROWS, CSV_SPLIT, CSV_TRAIN, CSV_WINDOW, WIDTHS
from .children import BUSY_CORES, fmt_cores
from .tables import case_other_cores, case_table, csv_target_text, fmt_ms, parse_report, width_table

STARTUP_TARGET_MS = 100.0


def startup_text(cases, startup_rows):
    """(start-up ms, the sentence under the start-up table): summary.json's startup_ms at the seed size plus
    `seqlab --version`'s wall time when the runs wrote it, else `seqlab validate`'s wall time."""
    all_seqlab = [r for c in cases for r in c.seqlab_runs]
    startup_values = [r.extra["startup_ms"] for r in all_seqlab if r.extra.get("startup_ms") is not None]
    version_ms = startup_rows[0][1]
    seed_values = [r.extra["startup_ms"] for c in cases if c.section == "seed" for r in c.seqlab_runs
                   if r.extra.get("startup_ms") is not None]
    if startup_values and seed_values:
        inside_ms = statistics.median(seed_values)
        startup_ms = version_ms + inside_ms
        startup_summary = (
            f"`startup_ms` from summary.json (from `main()` to the first epoch: plugins, YAML, data, model, run "
            f"folder) at the seed size: median {inside_ms:.1f} ms over {len(seed_values)} runs; over all "
            f"{len(startup_values)} seqlab runs {min(startup_values):.1f}–{max(startup_values):.1f} ms (bigger data "
            f"sets take longer to generate). It starts at `main()`, so exec and dynamic linking are not in it; "
            f"`seqlab --version` above ({version_ms:.1f} ms, including exec, linking and exit) bounds those. "
            f"Process start to first epoch at the seed size is therefore at most about {startup_ms:.1f} ms.")
    else:
        startup_ms = [row for row in startup_rows if "validate" in row[0]][0][1]
        startup_summary = ("summary.json has no `startup_ms` yet, so start-up is the wall time of `seqlab validate` "
                           f"above ({startup_ms:.1f} ms): it covers process start, plugin loading, YAML, data "
                           "generation and one forward shape check, but not the run folder set-up.")
    startup_summary += (f" Target under {STARTUP_TARGET_MS:.0f} ms: "
                        f"{'met' if startup_ms < STARTUP_TARGET_MS else 'NOT met'}.")
    return startup_ms, startup_summary


def observations(cases, peaks_before, peaks_after, startup_ms, torch_note):
    """The report's notes: thread scaling, wide spreads, slow first epochs, a busy machine, drift, start-up,
    thread-pool surprises, a skipped PyTorch and failed cases."""
    notes = []
    seed = {(c.model, c.threads): c for c in cases if c.section == "seed"}
    for model in ("rnn", "lstm", "gru"):
        for side, attr in (("seqlab", "seqlab_runs"), ("PyTorch", "torch_runs")):
            one, two = seed.get((model, 1)), seed.get((model, 2))
            if not one or not two:
                continue
            a, b = summarize(getattr(one, attr)), summarize(getattr(two, attr))
            if a and b:
                verdict = "faster" if b[0] < a[0] * 0.95 else "slower" if b[0] > a[0] * 1.05 else "about the same"
                notes.append(f"{side} {model} at the seed size: 2 threads {fmt_ms(b[0])} ms vs 1 thread "
                             f"{fmt_ms(a[0])} ms ({verdict}).")
    for c in cases:
        for side, runs in (("seqlab", c.seqlab_runs), ("PyTorch", c.torch_runs)):
            s = summarize(runs)
            if s and s[2] > 1.5 * s[1]:
                notes.append(f"{side} {c.name} t{c.threads}: repetitions spread widely "
                             f"({fmt_ms(s[1])}–{fmt_ms(s[2])} ms).")
            first = [r.epoch_ms[0] / r.median_ms for r in runs if r.median_ms > 0]
            if first and min(first) > 2.0 and (c.section == "large" or c.flops > 50e9):
                notes.append(f"{side} {c.name} t{c.threads}: the first epoch takes "
                             f"{statistics.median(first):.1f}× the median epoch.")
    busy = [(c, case_other_cores(c)) for c in cases]
    busy = [f"{c.name} t{c.threads} ({o:.2f})" for c, o in busy if o is not None and o > BUSY_CORES]
    if busy:
        notes.append(f"Other processes kept more than {BUSY_CORES} cores busy during some runs of: "
                     f"{', '.join(busy)} (max cores in brackets; marked ‡). Those numbers are pessimistic; "
                     "re-run on a quiet machine, or with --wait-quiet.")
    for t in sorted(peaks_before):
        a, b = peaks_before[t], peaks_after.get(t)
        if b and abs(a - b) > 0.1 * max(a, b):
            notes.append(f"sgemm peak at {t} thread(s) moved from {a:.0f} to {b:.0f} GFLOP/s during the bench "
                         f"(clock or load drift).")
    if startup_ms is not None:
        verdict = "under" if startup_ms < STARTUP_TARGET_MS else "OVER"
        notes.append(f"seqlab start-up {startup_ms:.1f} ms: {verdict} the {STARTUP_TARGET_MS:.0f} ms target.")
    # seqlab runs its own pool of --threads threads, each calling OpenBLAS single-threaded (summary.json says so).
    threads_bad = [(c.name, c.threads, r.extra.get("threads"), r.extra.get("blas_threads")) for c in cases
                   for r in c.seqlab_runs
                   if r.extra.get("threads") not in (None, c.threads) or r.extra.get("blas_threads") not in (None, 1)]
    if threads_bad:
        shown = sorted({f"{name} t{t} -> threads {n}, blas.threads {b}" for name, t, n, b in threads_bad})
        notes.append("seqlab's summary.json reports a pool other than --threads, or OpenBLAS not single-threaded "
                     f"inside it: {', '.join(shown)}.")
    if torch_note != "–":
        notes.append(f"PyTorch: {torch_note}.")
    for c in cases:
        if c.error:
            notes.append(f"{c.name} t{c.threads} failed: {c.error}")
    return notes


def report(args, facts, cases, peaks_before, peaks_after, startup_rows, startup_summary, notes, torch_note, parse):
    peaks = {t: max(peaks_before[t], peaks_after.get(t, 0)) for t in peaks_before}
    out = []
    out.append("# seqlab vs PyTorch: benchmark results\n")
    out.append(f"Generated by `{facts['command']}` on {facts['date']} in {facts['elapsed']}. "
               "Every number below was measured in that one invocation; nothing is carried over. "
               "Re-run `tools/bench` to regenerate this file (`tools/bench --quick` for a shorter check).\n")
    if torch_note != "–":
        out.append(f"**PyTorch was not measured: {torch_note}.** Only seqlab's columns are filled.\n")
    out.append("## Machine\n")
    out.append("| fact | value |\n|---|---|")
    for key in ("CPU", "SIMD", "cores", "memory", "kernel", "OpenBLAS", "register kernel", "OpenBLAS environment",
                "PyTorch", "seqlab", "other load"):
        out.append(f"| {key} | {facts[key]} |")
    out.append("")
    out.append("Matrix-product peak (`build/bin/seqlab_sgemm_peak`, measured before and after the cases; the best "
               "is the peak): OpenBLAS's best single call of C = A·B on square float32 matrices through "
               "`seqlab::gemm`, and seqlab's register kernel (`seqlab/kernels/register_gemm.hpp`, the recurrent plugins' "
               "per-step products when seqlab is built for 512-bit SIMD) on one seed LSTM forward step, "
               f"1000×32 · 32×128, one copy per thread. {facts['OpenBLAS sentence']}; "
               f"{facts['register kernel']}.\n")
    out.append("| threads | sgemm n=1024 GFLOP/s (before / after) | sgemm n=2048 GFLOP/s (before / after) "
               "| register kernel GFLOP/s (before / after) | peak GFLOP/s "
               "| other processes, cores (before / after) |\n|---|---|---|---|---|---|")
    for t in sorted(peaks_before):
        b, a = facts["sgemm"][t]
        by_n = lambda r: {x["n"]: x["gflops"] for x in r["results"]}  # noqa: E731
        bn, an = by_n(b), by_n(a) if a else {}
        cells = []
        for n in (1024, 2048):
            cells.append(f"{bn.get(n, float('nan')):.1f}" + (f" / {an[n]:.1f}" if n in an else ""))
        registers = [r["register"]["gflops"] for r in (b, a) if r and r.get("register")]
        arch = b.get("simd", {})
        cells.append(" / ".join(f"{g:.1f}" for g in registers) if registers else
                     f"not used (built for {arch.get('arch', '?')}, {arch.get('bits', '?')}-bit)")
        loads = " / ".join(fmt_cores(r.get("other_cores")) for r in (b, a) if r)
        out.append(f"| {t} | {cells[0]} | {cells[1]} | {cells[2]} | {peaks[t]:.1f} | {loads} |")
    out.append("")
    out.append("## Start-up\n")
    out.append(f"Target: `seqlab run` reaches its first epoch within {STARTUP_TARGET_MS:.0f} ms "
               "(process start, plugin discovery and loading, YAML). Wall time of the whole child process, "
               f"median of {args.startup_reps}:\n")
    out.append("| command | median ms | min–max ms |\n|---|---|---|")
    for label, med, lo, hi in startup_rows:
        out.append(f"| {label} | {med:.1f} | {lo:.1f}–{hi:.1f} |")
    out.append("")
    out.append(startup_summary + "\n")
    titles = {
        "seed": ("Seed cases", "1000 sequences × 50 steps, hidden 32, target last, full batch, Adam lr 0.01, "
                 f"{args.seed_epochs} epochs per run."),
        "large": ("Large case", f"lstm hidden 128, 10,000 sequences × 100 steps, {args.large_epochs} epochs per run, "
                  f"{args.large_reps_used} repetition(s)."),
        "sweep": ("Scaling sweep", f"lstm, 50 steps, {args.sweep_threads} thread(s): hidden size at batch 1000, then "
                  f"batch size at hidden 128. Epochs per run: 20 up to 10 GFLOP/epoch, 8 up to 50, else 4."
                  + ("" if all(c.torch for c in cases if c.section == "sweep") else
                     f" PyTorch runs only where an epoch is at most {args.sweep_torch_gflop:g} GFLOP "
                     "(--sweep-torch-gflop), to keep the bench within its time budget; the others say so.")),
        "csv": ("Mini-batch case, csv-like data",
                f"{CSV_TRAIN} training windows of {CSV_WINDOW} rows × {CSV_FEATURES} features (a generated CSV of "
                f"{CSV_ROWS} rows of smooth random-ish series, split {' / '.join(str(x) for x in CSV_SPLIT)}), "
                f"target: the first column's next row, hidden {CSV_HIDDEN}, mini-batches of {CSV_BATCH} reshuffled "
                f"every epoch ({-(-CSV_TRAIN // CSV_BATCH)} optimizer steps per epoch), Adam lr {CSV_LR}, "
                f"{args.csv_epochs} epochs per run. seqlab reads the file through the `csv` dataset plugin; the "
                "baseline reads the same file with numpy and cuts the same windows, z-scored on the same training "
                "rows (`tools/torch_baseline.py --csv`). ms/epoch is the whole pass over the mini-batches "
                "(shuffling and gathering included) on both sides; ms/batch divides it by the optimizer steps."),
    }
    for section in ("seed", "csv", "large", "sweep"):
        sc = [c for c in cases if c.section == section]
        if not sc:
            continue
        title, desc = titles[section]
        out.append(f"## {title}\n")
        out.append(desc + "\n")
        out.append(case_table(sc, peaks, torch_note))
        out.append("")
        if section == "csv":
            out.append(csv_target_text(sc) + "\n")
    widths = [c for c in cases if c.section == "width"]
    if widths:
        out.append("## Input width (seqlab alone)\n")
        out.append(f"The mini-batch case (lstm hidden {CSV_HIDDEN}, {CSV_TRAIN} windows × {CSV_WINDOW} rows, "
                   f"batches of {CSV_BATCH}, 1 thread) at each input width, reading the first columns of one "
                   f"{max(WIDTHS)}-column file; the widths run one after another in every repetition. The fast kernel "
                   "folds narrow inputs into its elementwise pass and gives wider ones matrix products of their own "
                   "(`seqlab/kernels/recurrent_fast.hpp`). The last column divides each width's time by the time at "
                   "width 1; GFLOP/epoch grows with the width too.\n")
        out.append(width_table(widths, peaks))
        out.append("")
    if parse:
        out.append(parse_report(parse))
    out.append("## How to read this\n")
    out.append(
        "- **ms/epoch**: wall time of one epoch's training (forward, loss, backward, optimizer step: one full batch, "
        "or every mini-batch of the csv cases), from seqlab's `metrics.csv` and the baseline's per-epoch times; "
        "validation is outside it on both sides. Each run's median drops 3 warm-up epochs; "
        "† marks runs with fewer than 6 epochs, which drop only the first. The cell shows the median over "
        "repetitions and, in brackets, the min–max over repetitions. Repetitions alternate seqlab and PyTorch "
        "(the order flips every repetition).\n"
        "- **PyTorch ÷ seqlab**: above 1 means seqlab is faster.\n"
        f"- **‡**: during some run of this case other processes kept more than {BUSY_CORES} cores busy "
        "(machine-wide busy time from /proc/stat minus the child's own CPU time).\n"
        "- **GFLOP/s** counts matrix products only: per layer l with input width I_l (the data's features for layer "
        "0, H above) and "
        "G = gates·H (4 for lstm, 3 for gru, 1 for rnn), forward 2·B·T·G·(I_l+H), backward about twice that, so "
        "3·2·B·T·G·(I_l+H) per epoch summed over layers, plus the head's 3·2·B·H·O (target last). "
        f"lstm at the seed size: {epoch_flops('lstm', 32, 1000, 50) / 1e9:.2f} GFLOP/epoch. **% of peak** divides by the matrix-product peak above at the same thread count.\n"
        "- **peak RSS**: `ru_maxrss` of each child process (`os.wait4`). PyTorch's includes the interpreter and "
        f"the torch libraries ({facts['torch_rss']} for `import torch` alone).\n"
        "- Threads: seqlab gets `--threads N`, the size of its own thread pool; its summary.json reported OpenBLAS "
        f"at {facts['seqlab_blas_threads']} thread(s) per call inside it. The baseline sets OPENBLAS_NUM_THREADS and "
        "OMP_NUM_THREADS to N before importing torch and calls `torch.set_num_threads(N)`, as "
        "`../shared/reference/torch_seed.py` does. The environment is otherwise passed through unchanged.\n")
    if notes:
        out.append("## Observations from this run\n")
        out.extend(f"- {n}" for n in notes)
        out.append("")
    short = [c for c in cases if any(r.short for r in c.seqlab_runs + c.torch_runs)]
    if short:
        out.append("## Every epoch of the short runs (†)\n")
        out.append("Milliseconds per epoch, one line per run, in run order; the first epoch is the one dropped.\n")
        out.append("| case | threads | side | epochs (ms) |\n|---|---|---|---|")
        for c in short:
            for side, runs in (("seqlab", c.seqlab_runs), ("PyTorch", c.torch_runs)):
                for r in runs:
                    out.append(f"| {c.name} | {c.threads} | {side} | {', '.join(fmt_ms(x) for x in r.epoch_ms)} |")
        out.append("")
    return "\n".join(out)

