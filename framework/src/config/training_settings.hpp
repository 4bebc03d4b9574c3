// The runner's `training:` section (and its `early_stopping:`) as typed fields, filled once from the validated values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "seqlab/params.hpp"
#include "seqlab/scheduler.hpp"

namespace seqlab {

// training.keep: which weights a run saves at the end.
enum class KeepWeights {
  automatic,  // "auto": best with early stopping, else last (TrainingSettings::keeps_best)
  best,       // those of the best epoch by the watched loss
  last,       // those of the last epoch trained
};

// The loss that early stopping (and keep: best) watches.
enum class WatchedLoss { val_loss, train_loss };

// "val_loss" or "train_loss": the name records and messages use.
const char* loss_name(WatchedLoss loss);

// training.early_stopping: stop when the watched loss has not improved for `patience` epochs.
struct EarlyStopping {
  std::int64_t patience = 0;  // epochs without an improvement before stopping (validated ones, for val_loss); >= 1
  double min_delta = 0;       // an improvement must lower the loss by more than this; >= 0
  WatchedLoss metric = WatchedLoss::val_loss;  // the loss watched; val_loss needs a validation split
};

// training: what the runner reads of it. Filled only by training_settings(), so the defaults are the
// schema's (runner_schemas.cpp), not the initialisers here. Integers keep the validated 64-bit values (most
// have no upper bound): a consumer that counts in int narrows them as it did when it read them by key.
struct TrainingSettings {
  std::int64_t epochs = 0;     // passes over the training set; >= 1 (resume --epochs overrides it)
  std::size_t batch_size = 0;  // sequences per step; 0 = the full training set
  bool shuffle = false;        // reshuffle the mini-batches every epoch (from the seed)
  std::int64_t log_every = 0;  // print the loss every N epochs (and the last); 0 = never
  std::size_t threads = 0;     // compute threads (BLAS runs single-threaded inside each); >= 1
  double clip_grad_norm = 0;   // scale the gradient to at most this global L2 norm first; 0 = no clipping
  KeepWeights keep = KeepWeights::automatic;  // the weights saved at the end
  std::int64_t validate_every = 0;    // the validation loss every N epochs (epoch % N == 0) and on the last; >= 1
  std::int64_t checkpoint_every = 0;  // checkpoint.bin every N epochs; 0 = only at the end and on a signal
  std::optional<EarlyStopping> early_stopping;  // the optional `training.early_stopping:` map

  // keep resolved: true when the run keeps its best epoch's weights rather than its last.
  bool keeps_best() const {
    return keep == KeepWeights::best || (keep == KeepWeights::automatic && early_stopping.has_value());
  }
};

// The `scheduler:` section's runner keys (scheduler_runner_schema()), typed. Filled only by scheduler_settings().
struct SchedulerSettings {
  StepOn step_on = StepOn::epoch;  // when the scheduler steps: after every epoch or every optimizer step
};

// The one place the sections are read by key: `training` validated against training_schema(), and
// `early_stopping` against early_stopping_schema() when the section has one. A key or type that does not
// match the schemas is a programmer bug (std::logic_error), which tests/config/test_training_settings.cpp catches.
TrainingSettings training_settings(const ParamValues& training, const std::optional<ParamValues>& early_stopping);

// `scheduler`'s runner keys validated against scheduler_runner_schema(); the same programmer-bug rule.
SchedulerSettings scheduler_settings(const ParamValues& runner_keys);

}  // namespace seqlab
