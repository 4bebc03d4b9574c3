"""The model's arithmetic and the bench's statistics: FLOPs per epoch, the per-run and per-case medians."""
import statistics

WARMUP = 3  # epochs dropped before the median, as in the reference torch script
FEW_EPOCHS = WARMUP + 3  # below this many epochs only the first epoch is dropped


def epoch_flops(model, hidden, batch, steps, layers=1, input_size=1, output_size=1):
    """Matrix FLOPs of one full-batch epoch (forward + backward), target last; see the module docstring."""
    gates = {"lstm": 4, "gru": 3}.get(model, 1)
    g = gates * hidden
    total = 0
    for layer in range(layers):
        width = input_size if layer == 0 else hidden
        total += 3 * 2 * batch * steps * g * (width + hidden)
    total += 3 * 2 * batch * hidden * output_size
    return total


def epoch_median_ms(epoch_ms):
    """The per-run statistic applied to both sides: (median ms, True when the short-run rule was used)."""
    if len(epoch_ms) >= FEW_EPOCHS:
        return statistics.median(epoch_ms[WARMUP:]), False
    timed = epoch_ms[1:] if len(epoch_ms) > 1 else epoch_ms
    return statistics.median(timed), True

def summarize(runs):
    """(median over repetitions of the per-run medians, min, max, short-run flag, max RSS KiB) or None."""
    if not runs:
        return None
    meds = [r.median_ms for r in runs]
    return (statistics.median(meds), min(meds), max(meds), any(r.short for r in runs),
            max(r.maxrss_kib for r in runs))


