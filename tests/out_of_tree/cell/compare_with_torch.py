#!/usr/bin/env python3
"""The minimal_gru plugin against the same network written in PyTorch: outputs and every gradient.

    compare_with_torch.py MODEL_GRADIENTS MINIMAL_GRU.so

For each case below it draws weights, inputs and a loss L = sum(w * outputs) with numpy, has
MODEL_GRADIENTS (model_gradients.cpp, built in this project) run the plugin's forward and backward on
them, and computes the same with torch autograd in float64 from the same float32 numbers. The cases
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


def run_case(torch, tool, plugin, case, folder, rng):
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

    given, taken = os.path.join(folder, "in.f32"), os.path.join(folder, "out.f32")
    with open(given, "wb") as f:
        for array in [x, w] + params:
            f.write(array.astype("<f4").tobytes())
    done = subprocess.run([tool, plugin, given, taken, str(BATCH), str(STEPS), str(inputs), str(OUTPUTS),
                           str(target_steps), f"hidden_size={hidden}", f"num_layers={layers}", f"kernel={kernel}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"model_gradients exited with {done.returncode}: {done.stderr.strip()}")
    listed = [(line.split()[0], tuple(int(d) for d in line.split()[1:])) for line in done.stdout.splitlines()]
    if listed != names:
        raise RuntimeError(f"the plugin's parameters are {listed}, expected {names}")
    flat = np.fromfile(taken, dtype="<f4")
    outputs = flat[: BATCH * target_steps * OUTPUTS].reshape(BATCH, target_steps, OUTPUTS)
    grads, offset = [], outputs.size
    for _, s in names:
        size = int(np.prod(s))
        grads.append(flat[offset : offset + size].reshape(s))
        offset += size
    if offset != flat.size:
        raise RuntimeError(f"model_gradients wrote {flat.size} floats, expected {offset}")

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
