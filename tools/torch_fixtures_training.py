"""The training toolbox's PyTorch fixtures: losses, more optimizers, learning-rate schedules.

Imported by tools/make_torch_fixtures.py (run that one); its layout notes there cover these too:

  manifest "losses":     [{"case", "plugin", "params"}]; <case>/predictions.npy, targets.npy (3, 5, 2),
                         loss.npy (1,) and grad.npy (dLoss/dPredictions, same shape)
  manifest "optimizers": more cases of the same form as the script's own
  manifest "schedulers": [{"case", "plugin", "params", "base_lr", "epochs", "losses": {"train_loss": [...],
                         "val_loss": [...]}, "rates": [...]}]: rates[e] is the rate epoch e + 1 trained at, as
                         torch's scheduler (stepped once after every epoch) set it; `losses` are what each
                         epoch ended with (plateau reads them)
  manifest "onecycle":   [{"case", "params", "optimizer": "sgd"|"adam", "momentum", "base_lr", "epochs",
                         "steps_per_epoch", "step_on": "batch"|"epoch", "rates": [...], "momenta": [...]}]:
                         torch.optim.lr_scheduler.OneCycleLR stepped after every optimizer step (step_on batch)
                         or every epoch; rates[k] and momenta[k] are the lr and the momentum (SGD's momentum,
                         Adam's betas[0]) that optimizer step k (of epochs x steps_per_epoch, or epochs) used.
                         "momentum" is the optimizer's own, which the schedule replaces when it cycles it;
                         one float32 weight from 0 takes grads[k] at step k and is weights[k] after it
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn

SCHEDULE_EPOCHS = 40


def loss_cases(root, save):
    cases = []
    for seed, name, plugin, params, make in [
        (201, "mae", "mae", {}, lambda: nn.L1Loss()),
        (202, "huber", "huber", {}, lambda: nn.HuberLoss()),
        (203, "huber_delta_0.5", "huber", {"delta": 0.5}, lambda: nn.HuberLoss(delta=0.5)),
    ]:
        folder = os.path.join(root, name)
        os.makedirs(folder)
        torch.manual_seed(seed)
        # Errors from about -3 to 3: both sides of delta, and exact ties (zero error) for L1's subgradient.
        predictions = (1.5 * torch.randn(3, 5, 2)).requires_grad_(True)
        targets = torch.randn(3, 5, 2)
        with torch.no_grad():
            targets[0, 0, 0] = predictions[0, 0, 0]
        loss = make()(predictions, targets)
        loss.backward()
        save(folder, "predictions", predictions)
        save(folder, "targets", targets)
        save(folder, "loss", loss.reshape(1))
        save(folder, "grad", predictions.grad)
        cases.append({"case": name, "plugin": plugin, "params": params})
    return cases


def optimizer_cases(optimizer_case):
    cases = []
    adamw = {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}
    for seed, name, p in [(111, "adamw", adamw), (112, "adamw_strong_decay", dict(adamw, weight_decay=0.5, lr=0.05))]:
        cases.append(optimizer_case(seed, name, "adamw", p, lambda ps, p=p: torch.optim.AdamW(
            ps, lr=p["lr"], betas=tuple(p["betas"]), eps=p["eps"], weight_decay=p["weight_decay"])))
    seed = 121
    for centered in (False, True):
        for momentum in (0.0, 0.9):
            for weight_decay in (0.0, 0.01):
                p = {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": weight_decay, "momentum": momentum,
                     "centered": centered}
                name = f"rmsprop_c{int(centered)}_m{momentum}_wd{weight_decay}"
                cases.append(optimizer_case(seed, name, "rmsprop", p, lambda ps, p=p: torch.optim.RMSprop(
                    ps, lr=p["lr"], alpha=p["alpha"], eps=p["eps"], weight_decay=p["weight_decay"],
                    momentum=p["momentum"], centered=p["centered"])))
                seed += 1
    return cases


def losses_of_a_run():
    """Made-up epoch losses: falling, then noisy flat stretches, so that plateau reduces more than once."""
    rng = np.random.default_rng(7)
    train = [float(1.0 / (e + 1) + (0.02 * rng.random() if e > 10 else 0.0)) for e in range(SCHEDULE_EPOCHS)]
    val = [float(t * 1.1 + 0.01 * rng.random()) for t in train]
    return {"train_loss": train, "val_loss": val}


def scheduler_case(name, plugin, params, make, losses, metric=None, base_lr=0.1):
    weight = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([weight], lr=base_lr)
    scheduler = make(opt)
    rates = []
    for e in range(SCHEDULE_EPOCHS):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if metric:
            scheduler.step(losses[metric][e])
        else:
            scheduler.step()
    return {"case": name, "plugin": plugin, "params": params, "base_lr": base_lr, "epochs": SCHEDULE_EPOCHS,
            "losses": losses, "rates": rates}


def scheduler_cases():
    from torch.optim import lr_scheduler as s
    losses = losses_of_a_run()
    epochs = SCHEDULE_EPOCHS

    def cosine_with_warmup(warmup, start, t_max, eta_min):
        return lambda o: s.SequentialLR(o, [s.LinearLR(o, start_factor=start, end_factor=1.0, total_iters=warmup),
                                            s.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min)],
                                        milestones=[warmup])

    return [
        scheduler_case("step", "step", {"step_size": 7, "gamma": 0.5}, lambda o: s.StepLR(o, 7, gamma=0.5), losses),
        scheduler_case("multistep", "multistep", {"milestones": [5, 12, 12, 30], "gamma": 0.3},
                       lambda o: s.MultiStepLR(o, [5, 12, 12, 30], gamma=0.3), losses),
        scheduler_case("exponential", "exponential", {"gamma": 0.9}, lambda o: s.ExponentialLR(o, 0.9), losses),
        scheduler_case("cosine", "cosine", {"t_max": 0, "eta_min": 0.001},
                       lambda o: s.CosineAnnealingLR(o, T_max=epochs, eta_min=0.001), losses),
        scheduler_case("cosine_short_period", "cosine", {"t_max": 15},
                       lambda o: s.CosineAnnealingLR(o, T_max=15), losses),
        scheduler_case("cosine_warmup", "cosine",
                       {"warmup_epochs": 5, "warmup_start_factor": 0.2, "eta_min": 0.0001},
                       cosine_with_warmup(5, 0.2, epochs - 5, 0.0001), losses),
        scheduler_case("plateau", "plateau", {"patience": 2},
                       lambda o: s.ReduceLROnPlateau(o, patience=2), losses, metric="val_loss"),
        scheduler_case("plateau_abs_cooldown", "plateau",
                       {"metric": "train_loss", "factor": 0.5, "patience": 1, "threshold": 0.01,
                        "threshold_mode": "abs", "cooldown": 2, "min_lr": 0.01},
                       lambda o: s.ReduceLROnPlateau(o, factor=0.5, patience=1, threshold=0.01, threshold_mode="abs",
                                                     cooldown=2, min_lr=0.01), losses, metric="train_loss"),
    ]


def onecycle_case(name, params, optimizer, epochs, steps_per_epoch, step_on):
    """OneCycleLR as a torch training loop drives it: scheduler.step() after every optimizer.step()."""
    weight = torch.zeros(1, requires_grad=True)
    base_lr, momentum = 0.01, 0.9
    if optimizer == "sgd":
        opt = torch.optim.SGD([weight], lr=base_lr, momentum=momentum)
    else:
        opt = torch.optim.Adam([weight], lr=base_lr, betas=(momentum, 0.999))
    steps = epochs * steps_per_epoch if step_on == "batch" else epochs
    kwargs = {k: v for k, v in params.items() if k != "total_steps"}
    total = params.get("total_steps", steps)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, total_steps=total, **kwargs)
    group = opt.param_groups[0]
    rates, momenta, grads, weights = [], [], [], []
    for k in range(steps):
        rates.append(group["lr"])
        momenta.append(group["momentum"] if optimizer == "sgd" else group["betas"][0])
        weight.grad = torch.tensor([math.sin(0.7 * k) + 0.3], dtype=torch.float32)
        grads.append(float(weight.grad[0]))
        opt.step()
        weights.append(float(weight.detach()[0]))
        scheduler.step()
    return {"case": name, "params": params, "optimizer": optimizer, "momentum": momentum, "base_lr": base_lr,
            "epochs": epochs, "steps_per_epoch": steps_per_epoch, "step_on": step_on, "rates": rates,
            "momenta": momenta, "grads": grads, "weights": weights}


def onecycle_cases():
    return [
        onecycle_case("onecycle_cos_sgd", {"max_lr": 0.1}, "sgd", 4, 25, "batch"),
        onecycle_case("onecycle_linear_adam",
                      {"max_lr": 0.05, "pct_start": 0.25, "anneal_strategy": "linear", "div_factor": 10.0,
                       "final_div_factor": 100.0}, "adam", 3, 17, "batch"),
        onecycle_case("onecycle_three_phase_sgd",
                      {"max_lr": 0.2, "three_phase": True, "base_momentum": 0.8, "max_momentum": 0.9}, "sgd", 5, 12,
                      "batch"),
        onecycle_case("onecycle_three_phase_linear_adam",
                      {"max_lr": 0.02, "three_phase": True, "anneal_strategy": "linear", "pct_start": 0.4}, "adam",
                      2, 30, "batch"),
        onecycle_case("onecycle_longer_cycle", {"max_lr": 0.1, "total_steps": 150}, "sgd", 4, 25, "batch"),
        onecycle_case("onecycle_no_momentum_cycle", {"max_lr": 0.1, "cycle_momentum": False}, "adam", 3, 10,
                      "batch"),
        onecycle_case("onecycle_per_epoch", {"max_lr": 0.3, "pct_start": 0.2}, "sgd", 30, 7, "epoch"),
    ]
