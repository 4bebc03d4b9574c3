"""The report's tables: the cases, the input widths and the CSV parse, with their cells."""
import statistics

from .arithmetic import summarize
from .cases import CSV_TARGET
from .children import BUSY_CORES
from .measurements import PARSE_COLUMNS, PARSE_TARGET_RSS, PARSE_TARGET_S


def case_other_cores(case):
    values = [r.other_cores for r in case.seqlab_runs + case.torch_runs if r.other_cores is not None]
    return max(values) if values else None


def fmt_ms(ms):
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def ms_cell(s):
    if s is None:
        return "–"
    med, lo, hi, short, _ = s
    mark = " †" if short else ""
    spread = f" ({fmt_ms(lo)}–{fmt_ms(hi)})" if hi > lo else ""
    return f"{fmt_ms(med)}{spread}{mark}"


def case_table(cases, peaks, torch_note):
    batches = any(c.batches > 1 for c in cases)  # mini-batch cases also get the time per optimizer step
    befores = any(c.before_runs or c.before_error for c in cases)  # --before: the other build beside this one
    head = ("| case | threads | epochs | GFLOP/epoch | seqlab ms/epoch "
            + ("| before ms/epoch | now ÷ before " if befores else "")
            + "| PyTorch ms/epoch | PyTorch ÷ seqlab "
            + ("| seqlab ms/batch | PyTorch ms/batch " if batches else "")
            + "| seqlab GFLOP/s | % of peak | seqlab peak RSS MiB | PyTorch peak RSS MiB |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for c in cases:
        s, t = summarize(c.seqlab_runs), summarize(c.torch_runs)
        if c.error and s is None:
            lines.append(f"| {c.name} | {c.threads} | {c.epochs} | {c.flops / 1e9:.2f} | failed "
                         + "| " * (head.count(" | ") - 4) + "|")
            continue
        if t is not None:
            tcell, ratio, trss = ms_cell(t), f"{t[0] / s[0]:.2f}", f"{t[4] / 1024:.0f}"
        else:
            tcell, ratio, trss = ("skipped" if torch_note != "–" else "not run (too long)" if not c.torch
                                  else "–"), "–", "–"
        before_cells = ""
        if befores:
            b = summarize(c.before_runs)
            before_cells = (f" | {ms_cell(b)} | {s[0] / b[0]:.2f}" if b else
                            f" | failed: {c.before_error} | –" if c.before_error else " | – | –")
        per_batch = ""
        if batches:
            per_batch = f" | {fmt_ms(s[0] / c.batches)} | {fmt_ms(t[0] / c.batches) if t else '–'}"
        gflops = c.flops / (s[0] / 1e3) / 1e9
        peak = peaks.get(c.threads)
        pct = f"{100 * gflops / peak:.0f}%" if peak else "–"
        other = case_other_cores(c)
        busy = " ‡" if other is not None and other > BUSY_CORES else ""
        lines.append(f"| {c.name}{busy} | {c.threads} | {c.epochs} | {c.flops / 1e9:.2f} | {ms_cell(s)}{before_cells} "
                     f"| {tcell} | {ratio}"
                     f"{per_batch} | {gflops:.1f} | {pct} | {s[4] / 1024:.0f} | {trss} |")
    return "\n".join(lines)


def csv_target_text(cases):
    """The issue's target for the mini-batch case: seqlab at least 3x faster than PyTorch at 1 thread."""
    parts = []
    for c in cases:
        s, t = summarize(c.seqlab_runs), summarize(c.torch_runs)
        if c.threads != 1 or not s or not t:
            continue
        ratio = t[0] / s[0]
        parts.append(f"{c.model} {ratio:.2f}× ({'met' if ratio >= CSV_TARGET else 'NOT met'})")
    if not parts:
        return f"Target (seqlab at least {CSV_TARGET:g}× faster than PyTorch at 1 thread): not measured."
    return f"Target: seqlab at least {CSV_TARGET:g}× faster than PyTorch at 1 thread. Measured: {'; '.join(parts)}."


def width_table(cases, peaks):
    lines = ["| input width | GFLOP/epoch | seqlab ms/epoch | ms/batch | GFLOP/s | % of peak | peak RSS MiB "
             "| ÷ width 1 |", "|---|---|---|---|---|---|---|---|"]
    base = summarize(cases[0].seqlab_runs)
    for c in cases:
        s = summarize(c.seqlab_runs)
        if s is None:
            lines.append(f"| {c.input_size} | {c.flops / 1e9:.2f} | failed | | | | | |")
            continue
        gflops = c.flops / (s[0] / 1e3) / 1e9
        peak = peaks.get(c.threads)
        pct = f"{100 * gflops / peak:.0f}%" if peak else "–"
        rel = f"{s[0] / base[0]:.2f}" if base else "–"
        other = case_other_cores(c)
        busy = " ‡" if other is not None and other > BUSY_CORES else ""
        lines.append(f"| {c.input_size}{busy} | {c.flops / 1e9:.2f} | {ms_cell(s)} | {fmt_ms(s[0] / c.batches)} "
                     f"| {gflops:.1f} | {pct} | {s[4] / 1024:.0f} | {rel} |")
    return "\n".join(lines)


def parse_report(parse):
    big, small = parse["results"]
    numeric = big.rows * PARSE_COLUMNS * 4
    wall = statistics.median(big.wall_s)
    rss = max(big.maxrss_kib) * 1024
    out = ["## CSV parsing (`seqlab validate`)\n",
           f"A generated file of {big.size / 1e6:.1f} MB: {big.rows:,} rows of an ISO-8601 time and {PARSE_COLUMNS} "
           f"numbers with 3 decimals (numeric data: rows × {PARSE_COLUMNS} columns × 4 bytes = "
           f"{numeric / 2**20:.1f} MiB; written in {parse['generate_s']:.1f} s, so it is read from the page cache). "
           f"`seqlab validate` runs everything a run does before its first epoch: it reads and parses the file, "
           f"fills and normalises the columns, cuts the windows and builds a model. With window 24 and stride "
           f"{big.stride} it cuts only a few thousand windows ({big.summary_line.split(';')[0]}), so the time is "
           "about reading the file. The same command on a one-day file of the same shape "
           f"({small.rows:,} rows) gives the fixed costs (start-up, plugins, model). They alternate, "
           f"{parse['reps']} runs each.\n",
           "| file | rows | wall s, median (min–max) | peak RSS MiB (max over runs) | peak RSS ÷ numeric data |",
           "|---|---|---|---|---|"]
    for r in (big, small):
        r_numeric = r.rows * PARSE_COLUMNS * 4
        r_rss = max(r.maxrss_kib) * 1024
        out.append(f"| {r.label} ({r.size / 1e6:.3g} MB) | {r.rows:,} | {statistics.median(r.wall_s):.3f} "
                   f"({min(r.wall_s):.3f}–{max(r.wall_s):.3f}) | {r_rss / 2**20:.1f} | "
                   + (f"{r_rss / r_numeric:.2f}×" if r is big else "–") + " |")
    fixed = statistics.median(small.wall_s)
    loads = [x for x in big.other_cores if x is not None]
    out.append("")
    out.append(f"Targets: parse under {PARSE_TARGET_S:g} s: {wall:.2f} s for the whole `validate` "
               f"({wall - fixed:.2f} s beyond the one-day file's), {'met' if wall < PARSE_TARGET_S else 'NOT met'}; "
               f"peak memory under {PARSE_TARGET_RSS:g}× the numeric data: {rss / numeric:.2f}× "
               f"({'met' if rss / numeric < PARSE_TARGET_RSS else 'NOT met'}). Peak RSS is the whole process's "
               f"(`os.wait4`), the one-day file's {max(small.maxrss_kib) / 1024:.0f} MiB of code and libraries "
               "included; beside the float32 columns the time column is held as 8-byte numbers."
               + (f" Other processes kept up to {max(loads):.2f} cores busy during these runs." if loads else "")
               + "\n")
    return "\n".join(out)


