#!/usr/bin/python3
"""Generates the PyTorch parity fixtures that tests/plugins/test_torch_parity.cpp compares seqlab against.

Run with Debian's interpreter (python3-torch 1.13):  /usr/bin/python3 tools/make_torch_fixtures.py
It rewrites tests/fixtures/torch/ from scratch; the output is deterministic
(fixed seeds, one CPU thread), so re-running it on the same torch gives the same
files. Everything is float32 end to end; no float64 tensor is created.

Layout of tests/fixtures/torch/:

  manifest.json       what the cases are; the C++ test reads nothing else to find files:
    {"torch": "<version>",
     "models": [{"case": "rnn_last_l1", "model": "rnn", "head": "last",
                 "hidden_size": 4, "num_layers": 1, "batch": 3, "steps": 5,
                 "input_size": 2, "output_size": 2,
                 "parameters": ["rnn.weight_ih_l0", ..., "fc.weight", "fc.bias"]}, ...,
                {"case": "gru_dropout_l2", ..., "dropout": 0.3, "dropout_seed": 7,
                 "dropout_stream": "dropout"}, ...],
     "optimizers": [{"case": "adam", "plugin": "adam",
                     "params": {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0},
                     "steps": 10, "parameters": ["w", "b"]}, ...]}
    "params" holds every parameter of the seqlab plugin of that name, with the
    values torch.optim was constructed with; "parameters" is in the model's (state_dict) order.

  <model case>/        one folder per model case: model (rnn|lstm|gru) x head (last|sequence) x layers (1|2),
                       then the dropout cases: model x layers (2: head sequence, 3: head last), p = 0.3
    inputs.npy         (batch, steps, input_size)
    targets.npy        (batch, 1, output_size) for head last, (batch, steps, output_size) for sequence
    outputs.npy        the model's outputs, same shape as targets (head last: fc(out[:, -1]) unsqueezed)
    loss.npy           (1,): torch.nn.MSELoss()(outputs, targets)
    param.<name>.npy   every parameter's value, by state_dict name, in its PyTorch shape
    grad.<name>.npy    its gradient after loss.backward()
    mask.npy           dropout cases only: (layers - 1, batch, steps, hidden), the mask m^l multiplied
                       into layer l's output (0 or 1/(1-p)), as seqlab draws it in training mode from
                       Random::stream(dropout_seed, dropout_stream): the order and arithmetic are
                       seqlab/kernels/recurrent_common.hpp's, reproduced here with a Python std::mt19937_64

  <optimizer case>/    ten torch.optim steps on fixed parameters with a fixed sequence of gradients
    param.<name>.npy   initial value
    grads.<name>.npy   (10, *shape): the gradient given before step k
    after.<name>.npy   (10, *shape): the value after step k
"""
import json
import os
import shutil

import numpy as np
import torch
import torch.nn as nn

import torch_fixtures_training as training

torch.set_num_threads(1)  # reproducible reductions

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "torch")
BATCH, STEPS, INPUT, HIDDEN, OUTPUT = 3, 5, 2, 4, 2
OPT_STEPS = 10


def save(folder, name, tensor):
    array = tensor.detach().cpu().numpy()
    assert array.dtype == np.float32, (name, array.dtype)
    np.save(os.path.join(folder, name + ".npy"), np.ascontiguousarray(array))


CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
DROPOUT, DROPOUT_STREAM = 0.3, "dropout"
MASK64 = (1 << 64) - 1


class Net(nn.Module):
    """nn.RNN / nn.LSTM / nn.GRU (batch_first) + nn.Linear, the way seqlab's rnn, lstm and gru plugins compute."""

    def __init__(self, kind, layers, head):
        super().__init__()
        self.kind, self.head = kind, head
        # The attribute name becomes the state_dict prefix: "rnn." / "lstm." / "gru.".
        setattr(self, kind, CELLS[kind](INPUT, HIDDEN, num_layers=layers, batch_first=True))
        self.fc = nn.Linear(HIDDEN, OUTPUT)

    def forward(self, x):
        out, _ = getattr(self, self.kind)(x)  # h0 = c0 = 0
        return self.fc(out) if self.head == "sequence" else self.fc(out[:, -1, :]).unsqueeze(1)


class LayerwiseNet(nn.Module):
    """Net's stack built one single-layer module at a time, with an explicit dropout mask multiplied into every
    layer's output but the last: what nn.RNN/LSTM/GRU(dropout=p) do in training mode, with seqlab's mask."""

    def __init__(self, net, mask):
        super().__init__()
        self.kind, self.head, self.mask = net.kind, net.head, mask
        stacked = getattr(net, net.kind)
        self.layers = nn.ModuleList()
        for l in range(stacked.num_layers):
            layer = CELLS[net.kind](INPUT if l == 0 else HIDDEN, HIDDEN, batch_first=True)
            with torch.no_grad():
                for suffix in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    getattr(layer, suffix + "_l0").copy_(getattr(stacked, f"{suffix}_l{l}"))
            self.layers.append(layer)
        self.fc = nn.Linear(HIDDEN, OUTPUT)
        with torch.no_grad():
            self.fc.weight.copy_(net.fc.weight)
            self.fc.bias.copy_(net.fc.bias)

    def forward(self, x):
        for l, layer in enumerate(self.layers):
            x, _ = layer(x)
            if l + 1 < len(self.layers):
                x = x * self.mask[l]
        return self.fc(x) if self.head == "sequence" else self.fc(x[:, -1, :]).unsqueeze(1)

    def named_parameters_as_stacked(self):
        """(state_dict name of the stacked Net, parameter), in the stacked Net's order."""
        named = [(f"{self.kind}.{suffix}_l{l}", getattr(layer, suffix + "_l0")) for l, layer in enumerate(self.layers)
                 for suffix in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        return named + [("fc.weight", self.fc.weight), ("fc.bias", self.fc.bias)]


class SeqlabRandom:
    """seqlab::Random (framework/include/seqlab/random.hpp) in Python: std::mt19937_64 seeded through
    Random::stream's FNV-1a + splitmix64, and uniform() = (next >> 11) * 2^-53."""

    def __init__(self, seed):
        self.state = [seed & MASK64]
        for i in range(1, 312):
            prev = self.state[-1]
            self.state.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK64)
        self.index = 312

    @classmethod
    def stream(cls, seed, name):
        h = 1469598103934665603
        for byte in name.encode():
            h = ((h ^ byte) * 1099511628211) & MASK64
        x = ((seed ^ h) + 0x9E3779B97F4A7C15) & MASK64
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
        return cls(x ^ (x >> 31))

    def next_u64(self):
        if self.index == 312:
            mt = self.state
            for i in range(312):
                x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
                mt[i] = mt[(i + 156) % 312] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
            self.index = 0
        x = self.state[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        return (x ^ (x >> 43)) & MASK64

    def uniform(self):
        return (self.next_u64() >> 11) * 2.0 ** -53


def check_mt19937_64():
    """The C++ standard's check of std::mt19937_64: the 10000th output of the default seed."""
    r = SeqlabRandom(5489)
    for _ in range(9999):
        r.next_u64()
    assert r.next_u64() == 9981545732273789042, "the Python mt19937_64 is not std::mt19937_64"


def dropout_mask(seed, layers, p):
    """(layers - 1, BATCH, STEPS, HIDDEN) float32, drawn in seqlab's order: batch row, boundary, step, unit."""
    random = SeqlabRandom.stream(seed, DROPOUT_STREAM)
    scale = np.float32(1.0 / (1.0 - p))
    mask = np.zeros((layers - 1, BATCH, STEPS, HIDDEN), dtype=np.float32)
    for b, l, t, k in np.ndindex(BATCH, layers - 1, STEPS, HIDDEN):
        mask[l, b, t, k] = scale if random.uniform() >= p else np.float32(0)
    return mask


def model_case(seed, kind, head, layers, dropout_seed=None):
    name = f"{kind}_{head}_l{layers}" if dropout_seed is None else f"{kind}_dropout_l{layers}"
    folder = os.path.join(ROOT, name)
    os.makedirs(folder)
    torch.manual_seed(seed)
    net = Net(kind, layers, head)
    x = torch.randn(BATCH, STEPS, INPUT)
    y = torch.randn(BATCH, 1 if head == "last" else STEPS, OUTPUT)
    extra = {}
    if dropout_seed is not None:
        mask = dropout_mask(dropout_seed, layers, DROPOUT)
        save(folder, "mask", torch.from_numpy(mask))
        # Built layer by layer it is the same network: with a mask of ones it gives the stacked one's outputs.
        with torch.no_grad():
            ones = LayerwiseNet(net, torch.ones(layers - 1, BATCH, STEPS, HIDDEN))(x)
            assert torch.allclose(ones, net(x), rtol=1e-6, atol=1e-7), name
        net = LayerwiseNet(net, torch.from_numpy(mask))
        extra = {"dropout": DROPOUT, "dropout_seed": dropout_seed, "dropout_stream": DROPOUT_STREAM}
    out = net(x)
    loss = nn.MSELoss()(out, y)
    net.zero_grad()
    loss.backward()
    save(folder, "inputs", x)
    save(folder, "targets", y)
    save(folder, "outputs", out)
    save(folder, "loss", loss.reshape(1))
    names = []
    named = net.named_parameters() if dropout_seed is None else net.named_parameters_as_stacked()
    for pname, p in named:  # the state_dict order
        names.append(pname)
        save(folder, "param." + pname, p)
        save(folder, "grad." + pname, p.grad)
    return {"case": name, "model": kind, "head": head, "hidden_size": HIDDEN, "num_layers": layers,
            "batch": BATCH, "steps": STEPS, "input_size": INPUT, "output_size": OUTPUT,
            "parameters": names, **extra}


def optimizer_case(seed, name, plugin, params, make):
    folder = os.path.join(ROOT, name)
    os.makedirs(folder)
    torch.manual_seed(seed)
    tensors = {"w": torch.randn(3, 4), "b": torch.randn(4)}
    grads = {k: torch.randn(OPT_STEPS, *v.shape) for k, v in tensors.items()}
    for k, v in tensors.items():
        save(folder, "param." + k, v)
        save(folder, "grads." + k, grads[k])
    live = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
    opt = make(list(live.values()))
    after = {k: [] for k in live}
    for step in range(OPT_STEPS):
        for k, p in live.items():
            p.grad = grads[k][step].clone()
        opt.step()
        for k, p in live.items():
            after[k].append(p.detach().clone())
    for k in live:
        save(folder, "after." + k, torch.stack(after[k]))
    return {"case": name, "plugin": plugin, "params": params, "steps": OPT_STEPS,
            "parameters": list(tensors)}


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    models = []
    seed = 1
    for kind in ("rnn", "lstm", "gru"):
        for head in ("last", "sequence"):
            for layers in (1, 2):
                models.append(model_case(seed, kind, head, layers))
                seed += 1
    check_mt19937_64()
    for kind in ("rnn", "lstm", "gru"):
        for layers, head in ((2, "sequence"), (3, "last")):
            models.append(model_case(seed, kind, head, layers, dropout_seed=seed + 1000))
            seed += 1

    adam = {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0}
    adam_wd = dict(adam, weight_decay=0.1)
    sgd = {"lr": 0.01, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    sgd_nesterov = dict(sgd, nesterov=True, weight_decay=0.01)
    sgd_dampening = dict(sgd, dampening=0.5)

    def torch_adam(p):
        return lambda ps: torch.optim.Adam(ps, lr=p["lr"], betas=tuple(p["betas"]), eps=p["eps"],
                                           weight_decay=p["weight_decay"])

    def torch_sgd(p):
        return lambda ps: torch.optim.SGD(ps, lr=p["lr"], momentum=p["momentum"],
                                          dampening=p["dampening"], weight_decay=p["weight_decay"],
                                          nesterov=p["nesterov"])

    optimizers = [
        optimizer_case(101, "adam", "adam", adam, torch_adam(adam)),
        optimizer_case(102, "adam_weight_decay", "adam", adam_wd, torch_adam(adam_wd)),
        optimizer_case(103, "sgd_momentum", "sgd", sgd, torch_sgd(sgd)),
        optimizer_case(104, "sgd_nesterov", "sgd", sgd_nesterov, torch_sgd(sgd_nesterov)),
        optimizer_case(105, "sgd_dampening", "sgd", sgd_dampening, torch_sgd(sgd_dampening)),
    ] + training.optimizer_cases(optimizer_case)
    losses = training.loss_cases(ROOT, save)
    schedulers = training.scheduler_cases()
    onecycle = training.onecycle_cases()
    with open(os.path.join(ROOT, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "models": models, "optimizers": optimizers, "losses": losses,
                   "schedulers": schedulers, "onecycle": onecycle}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(models)} model, {len(optimizers)} optimizer, {len(losses)} loss, {len(schedulers)} "
          f"scheduler and {len(onecycle)} onecycle cases to {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
