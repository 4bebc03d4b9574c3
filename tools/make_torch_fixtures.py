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
                 "parameters": ["rnn.weight_ih_l0", ..., "fc.weight", "fc.bias"]}, ...],
     "optimizers": [{"case": "adam", "plugin": "adam",
                     "params": {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0},
                     "steps": 10, "parameters": ["w", "b"]}, ...]}
    "params" holds every parameter of the seqlab plugin of that name, with the
    values torch.optim was constructed with; "parameters" is in the model's (state_dict) order.

  <model case>/        one folder per model case: model (rnn|lstm) x head (last|sequence) x layers (1|2)
    inputs.npy         (batch, steps, input_size)
    targets.npy        (batch, 1, output_size) for head last, (batch, steps, output_size) for sequence
    outputs.npy        the model's outputs, same shape as targets (head last: fc(out[:, -1]) unsqueezed)
    loss.npy           (1,): torch.nn.MSELoss()(outputs, targets)
    param.<name>.npy   every parameter's value, by state_dict name, in its PyTorch shape
    grad.<name>.npy    its gradient after loss.backward()

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


class Net(nn.Module):
    """nn.RNN / nn.LSTM (batch_first) + nn.Linear, the way seqlab's rnn and lstm plugins compute."""

    def __init__(self, kind, layers, head):
        super().__init__()
        self.kind, self.head = kind, head
        cell = nn.RNN if kind == "rnn" else nn.LSTM
        # The attribute name becomes the state_dict prefix: "rnn." / "lstm.".
        setattr(self, kind, cell(INPUT, HIDDEN, num_layers=layers, batch_first=True))
        self.fc = nn.Linear(HIDDEN, OUTPUT)

    def forward(self, x):
        out, _ = getattr(self, self.kind)(x)  # h0 = c0 = 0
        return self.fc(out) if self.head == "sequence" else self.fc(out[:, -1, :]).unsqueeze(1)


def model_case(seed, kind, head, layers):
    name = f"{kind}_{head}_l{layers}"
    folder = os.path.join(ROOT, name)
    os.makedirs(folder)
    torch.manual_seed(seed)
    net = Net(kind, layers, head)
    x = torch.randn(BATCH, STEPS, INPUT)
    y = torch.randn(BATCH, 1 if head == "last" else STEPS, OUTPUT)
    out = net(x)
    loss = nn.MSELoss()(out, y)
    net.zero_grad()
    loss.backward()
    save(folder, "inputs", x)
    save(folder, "targets", y)
    save(folder, "outputs", out)
    save(folder, "loss", loss.reshape(1))
    names = []
    for pname, p in net.named_parameters():  # the state_dict order
        names.append(pname)
        save(folder, "param." + pname, p)
        save(folder, "grad." + pname, p.grad)
    return {"case": name, "model": kind, "head": head, "hidden_size": HIDDEN, "num_layers": layers,
            "batch": BATCH, "steps": STEPS, "input_size": INPUT, "output_size": OUTPUT,
            "parameters": names}


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
    for kind in ("rnn", "lstm"):
        for head in ("last", "sequence"):
            for layers in (1, 2):
                models.append(model_case(seed, kind, head, layers))
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
    with open(os.path.join(ROOT, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "models": models, "optimizers": optimizers, "losses": losses,
                   "schedulers": schedulers}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(models)} model, {len(optimizers)} optimizer, {len(losses)} loss and {len(schedulers)} "
          f"scheduler cases to {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
