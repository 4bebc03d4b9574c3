// The training loop: epochs of full or shuffled mini-batches, validation, the schedule, clipping,
// early stopping and the state a checkpoint saves; divergence detection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "training/batch_split.hpp"
#include "training/components.hpp"
#include "training/data_parallel_batch.hpp"
#include "training/training_state.hpp"

namespace seqlab {

struct TrainingOutcome {
  std::vector<EpochRecord> history;  // the epochs that finished with a finite loss
  bool diverged = false;
  int diverged_epoch = 0;  // the epoch whose loss (or gradient) was NaN or infinite
  // The gradient's L2 norm over every parameter: the largest of the first epoch's steps, and
  // the last finite one seen with its epoch, so a divergence can say how the gradient grew.
  double first_gradient_norm = 0, last_gradient_norm = 0;
  int last_gradient_epoch = 0;
  bool gradient_not_finite = false;  // the divergence showed first in the gradient, the loss still finite
  int stopped_by_signal = 0;         // SIGINT or SIGTERM ended training early, at a batch boundary
  bool stopped_early = false;        // early stopping ended it: no improvement for `patience` epochs
  // The weights the model holds now: "best" (those of `kept_epoch`, by `kept_metric`) or "last".
  std::string kept = "last";
  int kept_epoch = 0;
  std::string kept_metric;  // "val_loss" or "train_loss"
  double kept_metric_value = 0;
};

class Trainer {
 public:
  // Trains `components` as the experiment's training section (and early_stopping) says. The
  // mini-batch shuffle and the model's dropout draw from the seed's "training" and "dropout"
  // streams. With a `split`, this process trains on its share of every batch and sums gradients
  // and losses with the other processes (data-parallel training).
  Trainer(Components& components, const ResolvedExperiment& experiment, BatchSplit* split = nullptr);

  // Continue from a checkpoint of the same experiment instead of starting afresh: the model's
  // weights, the optimizer's and scheduler's state, every stream, the epoch and the metrics so far.
  // `epochs` may be more than the checkpointed run's (resume --epochs). Throws CheckpointError, and
  // changes nothing, when the state does not fit: another experiment's (its settings differ; every setting
  // but training.epochs counts), weights of other shapes or not finite, an order that is not a permutation
  // of the training rows, counts that contradict each other, plugin states whose entries are not the ones
  // this experiment's optimizer and scheduler keep (checkpoint_checks.hpp).
  void restore(const TrainingState& state, int epochs);

  // Runs the remaining epochs, calling on_epoch after each and on_checkpoint whenever a checkpoint
  // is due: every checkpoint_every epochs, at the end, and when a stop signal (util/stop_signals)
  // ends training at a batch boundary. Stops at once at a non-finite loss. At the end the model
  // holds the weights `keep` asks for.
  TrainingOutcome run(const std::function<void(const EpochRecord&)>& on_epoch,
                      const std::function<void(const TrainingState&)>& on_checkpoint = {});

  // The model's outputs for `inputs` (any count), in one pass. The result lives
  // until the next call with the same count.
  const Tensor3& predict(const Tensor3& inputs);

  // The loss on a whole set; NaN for an empty set.
  double evaluate(const SequenceSet& set);

 private:
  // Everything one batch size needs, made on first use and reused every epoch
  // after it: no allocation per epoch, even with a smaller last mini-batch.
  struct BatchWork {
    std::unique_ptr<ModelCache> cache;
    Tensor3 inputs, targets;  // the gathered mini-batch (unused for the full batch)
    Tensor3 outputs, grad_outputs;
  };
  BatchWork& work_for(std::size_t batch);
  double train_batch(BatchWork& work, const Tensor3& inputs, const Tensor3& targets);
  // After a backward pass: records the gradient's norm and clips it (clip_grad_norm); false when
  // it is not finite (no step may follow).
  bool check_and_clip_gradient();
  // A second scheduler of the same settings, started for a run of `epochs`: start()'s checks, and the state
  // and momentum a checkpoint's must match.
  Handle<Scheduler> fresh_scheduler(int epochs) const;
  // What the scheduler's start() is told for a run of `epochs`.
  ScheduleStart schedule_start(int epochs) const;
  // start() on `scheduler`; a ParamError (a setting that does not fit the run) is a ConfigError at its key.
  double start_scheduler(Scheduler& scheduler, int epochs) const;
  // The scheduler's momentum, if it sets one, into the optimizer.
  void apply_scheduler_momentum();
  // With step_on: batch, after an optimizer step: the scheduler's rate (and momentum) for the next one.
  void step_scheduler_after_batch();
  // Data-parallel: the batch order[first, first + rows) of the training set, this process
  // training its blocks of it (DataParallelBatch); the batch's mean loss.
  double train_share(std::size_t first, std::size_t rows);
  // One epoch's batches from state_.rows_done on; false when a stop signal ended it between two.
  bool train_epoch_batches(std::size_t batch);
  // After an epoch: the best epoch and early stopping; true when training should stop. An epoch
  // whose watched loss was not computed (validate_every skipped it) changes nothing.
  bool track_best(const EpochRecord& record, bool validated);
  TrainingState snapshot() const;
  bool stop_agreed();
  // restore()'s checks; throw CheckpointError.
  void check_fits(const TrainingState& state, int epochs) const;
  // `momentum`: the one a scheduler sets, which decides whether a momentum buffer exists.
  PluginState fresh_optimizer_state(std::optional<double> momentum) const;

  // Epoch records reserved before the first epoch (3 MiB); more grow the history by doubling.
  static constexpr std::size_t kReservedEpochs = 1 << 16;

  Components& c_;
  const ResolvedExperiment& experiment_;  // outlives the trainer (every caller holds its LoadedExperiment)
  std::vector<std::pair<std::string, std::string>> identity_;  // checkpoint_checks.hpp experiment_identity
  int epochs_;
  std::size_t batch_size_;  // 0 = full batch
  std::size_t batch_rows_;  // the rows of a full mini-batch: batch_size_, or every row for the full batch
  std::int64_t steps_per_epoch_;
  StepOn step_on_;
  double last_step_lr_ = 0;  // the rate of the last optimizer step (metrics.csv's lr with step_on: batch)
  bool shuffle_;
  double clip_norm_;  // 0 = off
  bool keep_best_;
  int checkpoint_every_;
  int validate_every_;       // the validation loss every N epochs and on the last (epochs_)
  std::string best_metric_;  // "val_loss" or "train_loss": what `best` and early stopping watch
  int patience_ = 0;         // 0 = no early stopping
  double min_delta_ = 0;
  Random random_;                          // the mini-batch shuffle
  Random dropout_random_;                  // lent to the model while it trains (Model::set_training)
  std::map<std::size_t, BatchWork> work_;  // by batch size; steps are fixed
  BatchSplit* split_;
  std::unique_ptr<DataParallelBatch> data_parallel_;  // with a split: the batches' gradients and losses
  TrainingState state_;                               // where training stands (order, sums, history, best, ...)
  bool restored_ = false;
  TrainingOutcome* outcome_ = nullptr;  // the run() in progress
};

}  // namespace seqlab
