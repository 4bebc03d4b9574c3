"""The training toolbox's PyTorch fixtures: losses, more optimizers, learning-rate schedules.

Imported by tools/make_torch_fixtures.py (run that one); its layout notes there cover these too:

  manifest "losses":     [{"case", "plugin", "params"}]; <case>/predictions.npy, targets.npy (3, 5, 2),
                         loss.npy (1,) and grad.npy (dLoss/dPredictions, same shape)
  manifest "optimizers": more cases of the same form as the script's own
  manifest "schedulers": [{"case", "plugin", "params", "base_lr", "epochs", "losses": {"train_loss": [...],
                         "val_loss": [...]}, "rates": [...]}]: rates[e] is the rate epoch e + 1 trained at, as
                         torch's scheduler (stepped once after every epoch) set it; `losses` are what each
                         epoch ended with (plateau reads them)
"""
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
