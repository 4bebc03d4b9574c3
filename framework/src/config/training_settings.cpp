// Filling TrainingSettings from the validated `training:` and `training.early_stopping:` values.
#include "config/training_settings.hpp"

#include <stdexcept>
#include <string>

namespace seqlab {

namespace {

KeepWeights keep_of(const std::string& text) {
  if (text == "auto") return KeepWeights::automatic;
  if (text == "best") return KeepWeights::best;
  if (text == "last") return KeepWeights::last;
  throw std::logic_error("training.keep '" + text + "' is not one of training_schema()'s choices");
}

WatchedLoss loss_of(const std::string& text) {
  if (text == "val_loss") return WatchedLoss::val_loss;
  if (text == "train_loss") return WatchedLoss::train_loss;
  throw std::logic_error("training.early_stopping.metric '" + text +
                         "' is not one of early_stopping_schema()'s choices");
}

StepOn step_on_of(const std::string& text) {
  if (text == "epoch") return StepOn::epoch;
  if (text == "batch") return StepOn::batch;
  throw std::logic_error("scheduler.step_on '" + text + "' is not one of scheduler_runner_schema()'s choices");
}

}  // namespace

const char* loss_name(WatchedLoss loss) { return loss == WatchedLoss::val_loss ? "val_loss" : "train_loss"; }

TrainingSettings training_settings(const ParamValues& training, const std::optional<ParamValues>& early_stopping) {
  TrainingSettings s;
  s.epochs = training.integer("epochs");
  // Validated at least 0 and 1: the sizes hold them unchanged.
  s.batch_size = static_cast<std::size_t>(training.integer("batch_size"));
  s.shuffle = training.boolean("shuffle");
  s.log_every = training.integer("log_every");
  s.threads = static_cast<std::size_t>(training.integer("threads"));
  s.clip_grad_norm = training.real("clip_grad_norm");
  s.keep = keep_of(training.text("keep"));
  s.validate_every = training.integer("validate_every");
  s.checkpoint_every = training.integer("checkpoint_every");
  if (early_stopping)
    s.early_stopping = EarlyStopping{early_stopping->integer("patience"), early_stopping->real("min_delta"),
                                     loss_of(early_stopping->text("metric"))};
  return s;
}

SchedulerSettings scheduler_settings(const ParamValues& runner_keys) {
  SchedulerSettings s;
  s.step_on = step_on_of(runner_keys.text("step_on"));
  return s;
}

}  // namespace seqlab
