// Everything a run's training depends on at a batch boundary: what a checkpoint holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "seqlab/state.hpp"

namespace seqlab {

struct EpochRecord {
  int epoch = 0;          // 1-based
  double train_loss = 0;  // mean loss over the epoch's batches, before each batch's step
  double val_loss = 0;    // after the epoch's steps; NaN when not validated (no validation set, validate_every)
  double lr = 0;          // the optimizer's learning rate during the epoch (step_on: batch: of its last step)
  double grad_norm = 0;   // the gradient's global L2 norm before clipping, mean over the epoch's steps
  double seconds = 0;     // wall time of the epoch's training (not of validation)
};

// The best epoch so far, for early stopping and `keep: best`.
struct BestEpoch {
  double metric = std::numeric_limits<double>::infinity();
  int epoch = 0;                            // 0: none yet
  int epochs_without_improvement = 0;       // early stopping's count against its patience
  std::vector<std::vector<float>> weights;  // the parameters after that epoch (empty unless kept)
};

// A batch boundary of training: restored into a fresh model, optimizer and scheduler of the same
// experiment, training goes on exactly as it would have without the interruption.
struct TrainingState {
  // The experiment the state belongs to: every resolved setting a resume may not change (all but
  // training.epochs) and the seed, as (setting path, value text) sorted by path. A checkpoint of another
  // experiment, however alike its shapes, is refused with the settings that differ (Trainer::restore).
  std::vector<std::pair<std::string, std::string>> experiment;
  int epochs_done = 0;  // whole epochs finished (their records are in `history`)
  // The epoch in progress, when the state is taken between two of its mini-batches.
  std::size_t rows_done = 0;  // rows of `order` already trained this epoch; 0 at an epoch boundary
  double loss_sum = 0, norm_sum = 0, seconds = 0;
  std::size_t steps = 0;
  std::vector<std::uint64_t> order;            // the training rows' order (reshuffled in place every epoch)
  std::string shuffle_random, dropout_random;  // the streams' engines (Random::state)
  double lr = 0;                               // the optimizer's rate now
  PluginState optimizer, scheduler;
  std::vector<std::vector<float>> weights;  // the model's parameters, in parameters() order
  std::vector<EpochRecord> history;
  BestEpoch best;
  bool stopped_early = false;  // early stopping ended training after epochs_done
  // The gradient-norm trail a divergence message quotes (TrainingOutcome).
  double first_gradient_norm = 0, last_gradient_norm = 0;
  int last_gradient_epoch = 0;
};

}  // namespace seqlab
