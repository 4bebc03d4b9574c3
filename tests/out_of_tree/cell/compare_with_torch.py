#!/usr/bin/env python3
"""The minimal_gru plugin against the same network written in PyTorch: outputs and every gradient.

    compare_with_torch.py SEQLAB PLUGIN_DIR

For each case below it draws weights, inputs and a loss L = sum(w * outputs) with numpy, has
`SEQLAB call minimal_gru --plugin-dir PLUGIN_DIR` run the plugin's forward and backward on them (.npy files
in and out: docs/command-line.md#call), and computes the same with torch autograd in float64 from the same
float32 numbers. The cases
take the fast kernel's fused tiles (H a multiple of the SIMD width on 512-bit SIMD), its unfused passes
(H = 5), a folded (3) and a wide (20) input, both heads, one and two layers, and the reference kernel.
Passes when every output and gradient is within 1e-5 of the largest entry of its tensor.
Exit 0: all agree; 1: a difference; 77: torch is missing (skipped; a failure under CI=true).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOLERANCE = 1e-5
SKIP = 77

# hidden, layers, input size, target steps (1: head last; else every step: head sequence), kernel
CASES = [
    (32, 1, 3, 1, "fast"),
    (32, 2, 20, "all", "fast"),
    (16, 2, 3, "all", "fast"),
    (48, 1, 3, 1, "fast"),
    (5, 2, 3, "all", "fast"),
    (5, 1, 20, 1, "fast"),
    (32, 2, 3, 1, "reference"),
    (5, 2, 20, "all", "reference"),
]
BATCH, STEPS, OUTPUTS = 7, 6, 2


def torch_network(torch, x, params, hidden, layers):
    """The minimal GRU of minimal_gru.cpp's header, stacked, and its Linear head on every step."""
    seq = x
    for layer in range(layers):
        w_ih, w_hh, b_ih, b_hh = params[4 * layer : 4 * layer + 4]
        h = torch.zeros(x.shape[0], hidden, dtype=x.dtype)
        out = []
        for t in range(seq.shape[1]):
            a = seq[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
            z, n = torch.sigmoid(a[:, :hidden]), torch.tanh(a[:, hidden:])
            h = (1 - z) * n + z * h
            out.append(h)
        seq = torch.stack(out, dim=1)
    return seq @ params[-2].T + params[-1]  # (B, T, O)


def relative_error(got, want):
    scale = max(float(np.max(np.abs(want))), 1e-30)
    return float(np.max(np.abs(got - want))) / scale


def run_case(torch, seqlab, plugin_dir, case, folder, rng):
    hidden, layers, inputs, target, kernel = case
    target_steps = STEPS if target == "all" else 1
    shapes = []
    for layer in range(layers):
        width = inputs if layer == 0 else hidden
        shapes += [(f"weight_ih_l{layer}", (2 * hidden, width)), (f"weight_hh_l{layer}", (2 * hidden, hidden)),
                   (f"bias_ih_l{layer}", (2 * hidden,)), (f"bias_hh_l{layer}", (2 * hidden,))]
    names = [("minimal_gru." + n, s) for n, s in shapes] + [("fc.weight", (OUTPUTS, hidden)), ("fc.bias", (OUTPUTS,))]
    bound = 1 / np.sqrt(hidden)
    params = [rng.uniform(-bound, bound, size=s).astype(np.float32) for _, s in names]
    x = rng.standard_normal((BATCH, STEPS, inputs)).astype(np.float32)
    w = rng.standard_normal((BATCH, target_steps, OUTPUTS)).astype(np.float32)

    # seqlab's side: the arrays as .npy files, one `seqlab call`, its outputs and gradients read back.
    case_folder = os.path.join(folder, "h%d_l%d_i%d_t%d_%s" % (hidden, layers, inputs, target_steps, kernel))
    given, taken = os.path.join(case_folder, "in"), os.path.join(case_folder, "out")
    os.makedirs(given)
    np.save(os.path.join(given, "x.npy"), x)
    np.save(os.path.join(given, "grad_output.npy"), w)
    for (name, _), p in zip(names, params):
        np.save(os.path.join(given, name + ".npy"), p)
    done = subprocess.run([seqlab, "call", "minimal_gru", "--plugin-dir", plugin_dir, "--input", given, "--out", taken,
                           "--output-size", str(OUTPUTS), "--target-steps", str(target_steps),
                           "--set", f"hidden_size={hidden}", "--set", f"num_layers={layers}", "--set", f"kernel={kernel}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"seqlab call exited with {done.returncode}: {done.stderr.strip()}")
    # Every parameter the plugin has must be one given here: call writes each it used beside its gradient.
    written = sorted(f[len("grad_"):-len(".npy")] for f in os.listdir(taken) if f.startswith("grad_") and f != "grad_output.npy")
    if written != sorted(name for name, _ in names):
        raise RuntimeError(f"the plugin's parameters are {written}, expected {sorted(n for n, _ in names)}")
    for (name, _), p in zip(names, params):
        if not np.array_equal(np.load(os.path.join(taken, name + ".npy")), p):
            raise RuntimeError(f"seqlab call did not use the given {name}.npy")
    outputs = np.load(os.path.join(taken, "output.npy"))
    if outputs.shape != (BATCH, target_steps, OUTPUTS):
        raise RuntimeError(f"output.npy has shape {outputs.shape}, expected {(BATCH, target_steps, OUTPUTS)}")
    grads = [np.load(os.path.join(taken, f"grad_{name}.npy")) for name, _ in names]
    for (name, shape), g in zip(names, grads):
        if g.shape != shape:
            raise RuntimeError(f"grad_{name}.npy has shape {g.shape}, expected {shape}")

    leaves = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    y = torch_network(torch, torch.tensor(x, dtype=torch.float64), leaves, hidden, layers)
    if target_steps == 1:
        y = y[:, -1:]
    (y * torch.tensor(w, dtype=torch.float64)).sum().backward()

    label = f"hidden {hidden}, {layers} layer(s), input {inputs}, target steps {target_steps}, kernel {kernel}"
    errors = [("outputs", relative_error(outputs, y.detach().numpy()))]
    errors += [(n, relative_error(g, leaf.grad.numpy())) for (n, _), g, leaf in zip(names, grads, leaves)]
    worst = max(errors, key=lambda e: e[1])
    print(f"{label}: largest difference {worst[1]:.2e} of the largest entry ({worst[0]})")
    return [f"{label}: {n} differs from torch by {e:.2e} of its largest entry (at most {TOLERANCE} is right)"
            for n, e in errors if not e <= TOLERANCE]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import torch
    except ImportError:
        ci = os.environ.get("CI", "") not in ("", "0", "false")
        print(f"{'FAIL' if ci else 'skipped'}: python3-torch is missing (apt-get install python3-torch)")
        return 1 if ci else SKIP
    rng = np.random.default_rng(2024)
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            problems += run_case(torch, sys.argv[1], sys.argv[2], case, folder, rng)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
