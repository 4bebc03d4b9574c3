// The scheduler plugin interface: the learning rate of every epoch.
//
// A scheduler acts between epochs, as a torch.optim.lr_scheduler stepped once per epoch: the runner
// asks it for epoch 1's rate before training, then, after each epoch, for the next one's, and sets
// the optimizer's rate (Optimizer::set_learning_rate) to it. metrics.csv's `lr` column is the rate
// each epoch trained at. An experiment without a `scheduler:` section keeps the optimizer's `lr`.
#pragma once

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

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // The loss next() reads, "val_loss" or "train_loss"; "" when it reads none. The runner refuses a
  // run whose scheduler reads val_loss but has no validation split, before training.
  virtual std::string metric() const { return ""; }

  // Before the first epoch: the optimizer's configured rate and the run's epochs. Returns epoch 1's rate.
  virtual double start(double base_lr, int epochs) = 0;

  // After every epoch, validated or not: the rate of the next one.
  virtual double next(const EpochLosses& ended) = 0;

  // Whatever next() depends on besides start()'s arguments and `ended` (a plateau's best loss and
  // counters), for checkpoints: start() with the same arguments, then load_state(), must make every
  // later next() return what it would have without the interruption. Empty for a rate that is a
  // function of the epoch alone.
  virtual PluginState state() const { return {}; }
  virtual void load_state(const PluginState& state) { (void)state; }
};

}  // namespace seqlab
