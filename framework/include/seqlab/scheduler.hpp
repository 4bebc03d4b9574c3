// The scheduler plugin interface: the learning rate (and, optionally, the momentum) of every step.
//
// By default a scheduler acts between epochs, as a torch.optim.lr_scheduler stepped once per epoch: the
// runner asks it for epoch 1's rate before training, then, after each epoch, for the next one's, and sets
// the optimizer's rate (Optimizer::set_learning_rate) to it. With the scheduler section's `step_on: batch`
// it is stepped after every optimizer step instead (next_step), as torch's per-batch schedulers are
// (OneCycleLR, a warm-up): its counts are then optimizer steps. metrics.csv's `lr` column is the rate each
// epoch trained at; with step_on: batch, the rate of the epoch's last step. An experiment without a
// `scheduler:` section keeps the optimizer's `lr`.
#pragma once

#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "seqlab/state.hpp"

namespace seqlab {

// What an epoch ended with, for schedulers that adapt to it (plateau).
struct EpochLosses {
  int epoch = 0;          // 1-based: the epoch that just ended
  double train_loss = 0;  // its mean training loss
  // The validation loss after it; NaN when the epoch was not validated: the run has no validation
  // split, or training.validate_every skipped this epoch (the last epoch is always validated). A
  // scheduler that watches val_loss should treat a NaN epoch as if it had not happened (plateau
  // neither improves, nor counts a bad epoch, nor passes a cooldown epoch), so that validating less
  // often does not shorten its patience; it must still return a finite rate (`seqlab check` tests it).
  double val_loss = 0;
};

// When the runner steps a scheduler: the scheduler section's `step_on`.
enum class StepOn {
  epoch,  // next() after every epoch (the default)
  batch,  // next_step() after every optimizer step
};

// What the runner tells a scheduler before the first epoch.
struct ScheduleStart {
  double base_lr = 0;  // the optimizer's configured rate
  int epochs = 0;      // the run's epochs (training.epochs, or resume --epochs)
  // Optimizer steps per epoch: ceil(training sequences / training.batch_size), 1 for the full batch.
  std::int64_t steps_per_epoch = 1;
  StepOn step_on = StepOn::epoch;
  // The optimizer's configured momentum (sgd, rmsprop) or first beta (adam, adamw); empty when it has none
  // (Optimizer::momentum). A scheduler that would set the momentum must refuse an optimizer without one
  // with a ParamError naming its own setting (onecycle: cycle_momentum), as torch's schedulers raise.
  std::optional<double> momentum;

  // How many times the run steps the schedule after start(): epochs, or epochs x steps_per_epoch with
  // step_on: batch.
  std::int64_t steps() const { return step_on == StepOn::batch ? epochs * steps_per_epoch : epochs; }
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // The loss next() reads, "val_loss" or "train_loss"; "" when it reads none. The runner refuses a
  // run whose scheduler reads val_loss but has no validation split, before training, and one that reads
  // any loss with step_on: batch (a loss is known only when an epoch ends).
  virtual std::string metric() const { return ""; }

  // Before the first epoch (or the first step): returns the first rate. A scheduler that needs the step
  // count or the momentum overrides this one; the default hands an epoch scheduler what it has always
  // had, start(base_lr, epochs), where with step_on: batch `epochs` is the run's optimizer steps (as a
  // torch scheduler stepped every batch counts them).
  virtual double start(const ScheduleStart& run) {
    const std::int64_t steps = run.steps();
    if (steps > INT_MAX)
      throw std::runtime_error("the run has " + std::to_string(steps) + " optimizer steps, more than this " +
                               "scheduler counts; use fewer epochs or step_on: epoch");
    return start(run.base_lr, static_cast<int>(steps));
  }

  // The epoch scheduler's start: the optimizer's configured rate and the run's epochs (optimizer steps
  // with step_on: batch). Returns epoch 1's rate. Override this one or the one above.
  virtual double start(double base_lr, int epochs) {
    (void)base_lr;
    (void)epochs;
    throw std::logic_error("a scheduler must override start(const ScheduleStart&) or start(double, int)");
  }

  // After every epoch, validated or not: the rate of the next one (step_on: epoch).
  virtual double next(const EpochLosses& ended) = 0;

  // With step_on: batch, after every optimizer step: `steps` steps done in all since the run began (1, 2,
  // ...; across epochs and resumes), the rate of the next step. The default is next() with `steps` as the
  // epoch and both losses NaN: an epoch scheduler's counts become steps.
  virtual double next_step(std::int64_t steps) {
    if (steps > INT_MAX) throw std::runtime_error("the run's optimizer steps exceed this scheduler's count");
    return next({static_cast<int>(steps), std::nan(""), std::nan("")});
  }

  // The momentum (sgd, rmsprop) or first beta (adam, adamw) the optimizer takes from the last start(),
  // next() or next_step() on; empty leaves it alone (every epoch scheduler). The runner sets it through
  // Optimizer::set_momentum after each of them.
  virtual std::optional<double> momentum() const { return std::nullopt; }

  // Whatever next() or next_step() depend on besides start()'s argument and `ended` or `steps` (a plateau's
  // best loss and counters), and the momentum() of the moment (the runner keeps the rate, not the momentum),
  // for checkpoints: start() with the same argument, then load_state(), must make momentum() and every later
  // call return what they would have without the interruption. Empty for a rate that is a function of the
  // epoch or step alone and no momentum.
  virtual PluginState state() const { return {}; }
  virtual void load_state(const PluginState& state) { (void)state; }
};

}  // namespace seqlab
