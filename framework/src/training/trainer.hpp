// The training loop: full-batch or shuffled mini-batch epochs, validation, divergence detection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "training/batch_split.hpp"
#include "training/components.hpp"

namespace seqlab {

struct EpochRecord {
  int epoch = 0;          // 1-based
  double train_loss = 0;  // mean loss over the epoch's batches, before each batch's step
  double val_loss = 0;    // after the epoch's steps; NaN when there is no validation set
  double lr = 0;          // the optimizer's learning rate during the epoch
  double seconds = 0;     // wall time of the epoch's training (not of validation)
};

struct TrainingOutcome {
  std::vector<EpochRecord> history;  // the epochs that finished with a finite loss
  bool diverged = false;
  int diverged_epoch = 0;  // the epoch whose loss (or gradient) was NaN or infinite
  // The gradient's L2 norm over every parameter: the largest of the first epoch's steps, and
  // the last finite one seen with its epoch, so a divergence can say how the gradient grew.
  double first_gradient_norm = 0, last_gradient_norm = 0;
  int last_gradient_epoch = 0;
  bool gradient_not_finite = false;  // the divergence showed first in the gradient, the loss still finite
};

class Trainer {
 public:
  // The mini-batch shuffle and the model's dropout draw from the seed's "training" and
  // "dropout" streams. With a `split`, this process trains on its share of every batch
  // and sums gradients and losses with the other processes (data-parallel training).
  Trainer(Components& components, const ParamValues& training, std::uint64_t seed, BatchSplit* split = nullptr);

  // Runs every epoch, calling on_epoch after each; stops at once at a non-finite loss.
  TrainingOutcome run(const std::function<void(const EpochRecord&)>& on_epoch);

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
  // Records the gradient's norm after a backward pass; false when it is not finite (no step may follow).
  bool gradient_is_finite();
  // Data-parallel: this process's share of the batch order[first, first + rows) of the
  // training set, its gradient summed with the other processes'; the batch's mean loss.
  double train_share(const std::vector<std::size_t>& order, std::size_t first, std::size_t rows);

  Components& c_;
  int epochs_;
  std::size_t batch_size_;  // 0 = full batch
  bool shuffle_;
  Random random_;          // the mini-batch shuffle
  Random dropout_random_;  // lent to the model while it trains (Model::set_training)
  std::map<std::size_t, BatchWork> work_;  // by batch size; steps are fixed
  BatchSplit* split_;
  std::vector<double> shared_;          // data-parallel: every gradient, then the loss, as summed over the processes
  TrainingOutcome* outcome_ = nullptr;  // the run() in progress
  int epoch_ = 0;
};

}  // namespace seqlab
