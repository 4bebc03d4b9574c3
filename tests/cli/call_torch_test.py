#!/usr/bin/python3
"""`seqlab call` against PyTorch: the snippets docs/plugins.md shows, then an optimizer and a scheduler.

Runs every Python block of docs/plugins.md marked `<!-- run by tests/cli/call_torch_test.py -->` as written,
each in a fresh folder with the seqlab under test first on PATH: mse's loss and gradient against
torch.nn.functional.mse_loss, and a two-layer lstm's output and every parameter's gradient against
torch.nn.LSTM(batch_first=True) + nn.Linear (to 1e-5). Then adam's parameters after 3 steps against
torch.optim.Adam, cosine's rates against torch.optim.lr_scheduler.CosineAnnealingLR, and onecycle's rates and
momenta against torch.optim.lr_scheduler.OneCycleLR.

usage: call_torch_test.py SEQLAB_BINARY DOCS_PLUGINS_MD

Exit 77 (ctest: skipped, saying why) when numpy or torch is missing, unless CI=true: then that is a failure.
"""
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77
MARKER = "<!-- run by tests/cli/call_torch_test.py -->"


def fail(message):
    print("FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def snippets(markdown):
    """The Python blocks that follow the marker."""
    return re.findall(re.escape(MARKER) + r"\n```python\n(.*?)```", markdown, re.S)


def run_seqlab(seqlab, *arguments):
    result = subprocess.run([seqlab, "call", *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        fail("seqlab call %s: exit %d\n%s%s" % (" ".join(arguments), result.returncode, result.stdout, result.stderr))


def check_adam(seqlab, folder, np, torch):
    """Two parameters, 3 steps with the same gradients, weight decay on: as torch.optim.Adam."""
    rng = np.random.default_rng(3)
    given = {"a": rng.standard_normal((3, 4)), "b": rng.standard_normal(5)}
    grads = {name: rng.standard_normal(value.shape) for name, value in given.items()}
    os.makedirs(os.path.join(folder, "in"))
    for name in given:
        np.save(os.path.join(folder, "in", name + ".npy"), given[name].astype(np.float32))
        np.save(os.path.join(folder, "in", "grad_" + name + ".npy"), grads[name].astype(np.float32))
    run_seqlab(seqlab, "adam", "--set", "lr=0.01", "--set", "weight_decay=0.1", "--steps", "3",
               "--input", os.path.join(folder, "in"), "--out", os.path.join(folder, "out"))
    parameters = {name: torch.tensor(value, dtype=torch.float32, requires_grad=True) for name, value in given.items()}
    optimizer = torch.optim.Adam(parameters.values(), lr=0.01, weight_decay=0.1)
    for _ in range(3):
        for name, p in parameters.items():
            p.grad = torch.tensor(grads[name], dtype=torch.float32)
        optimizer.step()
    for name, p in parameters.items():
        ours = np.load(os.path.join(folder, "out", name + ".npy"))
        if not np.allclose(ours, p.detach().numpy(), rtol=1e-5, atol=1e-6):
            fail("adam: %s after 3 steps differs from torch.optim.Adam's by up to %g"
                 % (name, np.abs(ours - p.detach().numpy()).max()))


def check_cosine(seqlab, folder, np, torch):
    """12 epochs of a cosine over 10 (it climbs again after 10, as torch's does) down to 0.001."""
    run_seqlab(seqlab, "cosine", "--set", "t_max=10", "--set", "eta_min=0.001", "--epochs", "12", "--base-lr", "0.1",
               "--out", os.path.join(folder, "lr"))
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0.001)
    rates = []
    for _ in range(12):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    ours = np.load(os.path.join(folder, "lr", "lr.npy"))
    if ours.shape != (12,) or not np.allclose(ours, rates, rtol=1e-6, atol=0):
        fail("cosine: seqlab's rates %s, torch's %s" % (ours.tolist(), rates))


def check_onecycle(seqlab, folder, np, torch):
    """onecycle over 20 epochs from SGD's momentum 0.9: rates and momenta against torch's OneCycleLR, stepped per
    epoch (total_steps = epochs)."""
    run_seqlab(seqlab, "onecycle", "--set", "max_lr=0.5", "--epochs", "20", "--base-lr", "0.1", "--momentum", "0.9",
               "--out", os.path.join(folder, "onecycle"))
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.5, total_steps=20)
    rates, momenta = [], []
    for _ in range(20):
        rates.append(optimizer.param_groups[0]["lr"])
        momenta.append(optimizer.param_groups[0]["momentum"])
        optimizer.step()
        scheduler.step()
    for name, want in (("lr", rates), ("momentum", momenta)):
        ours = np.load(os.path.join(folder, "onecycle", name + ".npy"))
        if ours.shape != (20,) or not np.allclose(ours, want, rtol=1e-6, atol=0):
            fail("onecycle: seqlab's %s %s, torch's %s" % (name, ours.tolist(), want))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    seqlab, docs = os.path.abspath(sys.argv[1]), sys.argv[2]
    try:
        import numpy as np
        import torch
    except ImportError as e:
        why = "call_torch_test: needs numpy and torch for /usr/bin/python3 (%s; Debian: apt-get install " \
              "python3-numpy python3-torch; tools/setup --with-test-packages installs them)" % e
        if os.environ.get("CI", "") not in ("", "0", "false"):
            fail(why)
        print("SKIPPED " + why)
        return SKIP
    with open(docs) as f:
        blocks = snippets(f.read())
    if len(blocks) != 2:
        fail("expected 2 marked Python blocks in %s, found %d" % (docs, len(blocks)))
    environment = dict(os.environ, PATH=os.path.dirname(seqlab) + os.pathsep + os.environ.get("PATH", ""))
    with tempfile.TemporaryDirectory(prefix="seqlab-call-torch-") as scratch:
        for i, block in enumerate(blocks):
            folder = os.path.join(scratch, "snippet%d" % i)
            os.makedirs(folder)
            # Seeded, so a failure can be rerun; the snippet itself stays as the docs show it.
            seeded = "import torch\ntorch.manual_seed(%d)\n" % i + block
            result = subprocess.run([sys.executable, "-c", seeded], cwd=folder, env=environment, capture_output=True,
                                    text=True)
            if result.returncode != 0:
                fail("the docs' snippet %d failed:\n%s\n%s%s" % (i + 1, block, result.stdout, result.stderr))
        torch.manual_seed(0)
        os.makedirs(os.path.join(scratch, "adam"))
        check_adam(seqlab, os.path.join(scratch, "adam"), np, torch)
        check_cosine(seqlab, scratch, np, torch)
        check_onecycle(seqlab, scratch, np, torch)
    print("seqlab call agrees with PyTorch: mse, lstm (output and every gradient), adam (3 steps), cosine, onecycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
