// Epoch loop and batching; the only place that calls forward, loss, backward and step in order.
// Tested in tests/training/test_training_options.cpp, tests/training/test_validate_every.cpp,
//   tests/training/test_numerical_faults.cpp
#include "training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "training/checkpoint_checks.hpp"
#include "training/checkpoint_codec.hpp"
#include "training/loss_rows_gradient.hpp"
#include "util/run_error.hpp"
#include "util/stop_signals.hpp"

namespace seqlab {

namespace {

// Copies the rows `order[first, first + count)` of `source` into `dest` (count, ...),
// resizing it only the first time (each batch size has its own buffers).
void gather(const Tensor3& source, const std::vector<std::uint64_t>& order, std::size_t first, std::size_t count,
            Tensor3& dest) {
  const std::size_t row = source.shape()[1] * source.shape()[2];
  if (dest.shape() != std::array<std::size_t, 3>{count, source.shape()[1], source.shape()[2]})
    dest.resize({count, source.shape()[1], source.shape()[2]});
  for (std::size_t i = 0; i < count; ++i)
    std::copy_n(source.data() + order[first + i] * row, row, dest.data() + i * row);
}

std::vector<std::vector<float>> copy_weights(const std::vector<Parameter>& parameters) {
  std::vector<std::vector<float>> weights;
  for (const Parameter& p : parameters) weights.emplace_back(p.value.begin(), p.value.end());
  return weights;
}

void load_weights(const std::vector<std::vector<float>>& weights, std::vector<Parameter>& parameters) {
  if (weights.size() != parameters.size())
    throw CheckpointError("it holds " + std::to_string(weights.size()) + " parameters, the model has " +
                          std::to_string(parameters.size()));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].size() != parameters[i].size())
      throw CheckpointError("its " + parameters[i].name + " has " + std::to_string(weights[i].size()) +
                            " values, the model's " + std::to_string(parameters[i].size()));
    std::copy(weights[i].begin(), weights[i].end(), parameters[i].value.begin());
  }
}

}  // namespace

Trainer::Trainer(Components& components, const ResolvedExperiment& e, BatchSplit* split)
    : c_(components),
      experiment_(e),
      epochs_(static_cast<int>(e.training.epochs)),
      batch_size_(e.training.batch_size),
      step_on_(e.scheduling.step_on),
      shuffle_(e.training.shuffle),
      clip_norm_(e.training.clip_grad_norm),
      keep_best_(e.training.keeps_best()),
      checkpoint_every_(static_cast<int>(e.training.checkpoint_every)),
      validate_every_(static_cast<int>(e.training.validate_every)),
      random_(Random::stream(e.seed, "training")),
      // Data-parallel processes share it: each starts at its rows' draws (DataParallelBatch).
      dropout_random_(Random::stream(e.seed, "dropout")),
      split_(split) {
  if (const auto& stopping = e.training.early_stopping) {
    best_metric_ = loss_name(stopping->metric);
    patience_ = static_cast<int>(stopping->patience);
    min_delta_ = stopping->min_delta;
  } else {
    best_metric_ = c_.data.validation.count() > 0 ? "val_loss" : "train_loss";
  }
  const std::size_t rows = c_.data.train.count();
  batch_rows_ = batch_size_ == 0 || batch_size_ >= rows ? std::max<std::size_t>(rows, 1) : batch_size_;
  steps_per_epoch_ = static_cast<std::int64_t>((rows + batch_rows_ - 1) / batch_rows_);
  identity_ = experiment_identity(e, c_.shape);
  state_.experiment = identity_;
  state_.order.resize(c_.data.train.count());
  std::iota(state_.order.begin(), state_.order.end(), 0);
  if (split_) data_parallel_ = std::make_unique<DataParallelBatch>(*c_.model, *c_.loss, *split_, c_.shape.steps);
  // A schedule that does not fit the run (onecycle's total_steps, a momentum the optimizer lacks) is refused
  // now, before a caller writes anything, rather than when training starts.
  // (eval and predict may have no training rows: nothing to schedule.)
  if (c_.scheduler && rows > 0) fresh_scheduler(epochs_);
}

Handle<Scheduler> Trainer::fresh_scheduler(int epochs) const {
  const ComponentConfig& config = *experiment_.scheduler;
  Random unused = Random::stream(experiment_.seed, "scheduler");
  Handle<Scheduler> probe = create_scheduler(*config.plugin, {config.params, unused, c_.shape, c_.pool.get()});
  start_scheduler(*probe, epochs);
  if (probe->momentum() && !c_.optimizer->momentum())
    throw RunError("scheduler plugin '" + config.plugin->name() + "' sets the momentum, and optimizer plugin '" +
                   experiment_.optimizer.plugin->name() + "' has none");
  return probe;
}

PluginState Trainer::fresh_optimizer_state(std::optional<double> momentum) const {
  // A second optimizer of the same settings, stepped once over a copy of the parameters with zero gradients:
  // its state's entries are those every later step keeps (Optimizer::state: per parameter, by index).
  const ComponentConfig& config = experiment_.optimizer;
  Random unused = Random::stream(experiment_.seed, "optimizer");
  Handle<Optimizer> probe = create_optimizer(*config.plugin, {config.params, unused, c_.shape, c_.pool.get()});
  if (momentum && probe->momentum()) probe->set_momentum(*momentum);
  std::vector<Parameter> copy = c_.model->parameters();
  for (Parameter& p : copy) p.grad.fill(0.0f);
  probe->step(copy);
  return probe->state();
}

void Trainer::check_fits(const TrainingState& state, int epochs) const {
  const std::vector<Parameter>& parameters = c_.model->parameters();
  const std::size_t rows = c_.data.train.count();
  check_weights_fit(state.weights, parameters, "weights");
  check_same_experiment(state.experiment, identity_);
  check_order(state.order, rows);
  if (state.rows_done != 0 && state.rows_done >= rows)
    throw CheckpointError(fmt::format("its rows_done is {}, but an epoch has {} rows", state.rows_done, rows));
  if (state.epochs_done > epochs)
    throw CheckpointError(fmt::format("it is after epoch {}, more than the {} to train", state.epochs_done, epochs));
  if (state.history.size() != static_cast<std::size_t>(state.epochs_done))
    throw CheckpointError(
        fmt::format("its history has {} epochs, but its epochs_done is {}", state.history.size(), state.epochs_done));
  for (std::size_t i = 0; i < state.history.size(); ++i)
    if (state.history[i].epoch != static_cast<int>(i + 1))
      throw CheckpointError(fmt::format("its history[{}] is epoch {}, not {}", i, state.history[i].epoch, i + 1));
  if (state.best.epoch > state.epochs_done)
    throw CheckpointError(
        fmt::format("its best.epoch is {}, after its last epoch {}", state.best.epoch, state.epochs_done));
  // keep: best loads these at the end of training: a run that kept a best epoch has its weights.
  if (!state.best.weights.empty() || (keep_best_ && state.best.epoch > 0))
    check_weights_fit(state.best.weights, parameters, "best.weights");
  if (state.last_gradient_epoch > state.epochs_done + 1)
    throw CheckpointError(
        fmt::format("its last_gradient_epoch is {}, after the epoch in progress", state.last_gradient_epoch));
  // The plugins' states, by their entries' names and sizes, before either plugin reads them: a crafted state
  // of 100,000 entries is refused here rather than searched entry by entry.
  if (!c_.scheduler) {
    check_state_fits(state.optimizer, fresh_optimizer_state(std::nullopt), "optimizer", true);
    if (!state.scheduler.empty()) throw CheckpointError("it holds a scheduler's state, and this experiment has none");
    return;
  }
  Handle<Scheduler> probe = fresh_scheduler(epochs);
  check_state_fits(state.scheduler, probe->state(), "scheduler", false);
  probe->load_state(state.scheduler);  // what run() will do with the real one: its own checks, here
  check_state_fits(state.optimizer, fresh_optimizer_state(probe->momentum()), "optimizer", true);
}

ScheduleStart Trainer::schedule_start(int epochs) const {
  ScheduleStart run;
  run.base_lr = c_.optimizer->learning_rate();
  run.epochs = epochs;
  run.steps_per_epoch = steps_per_epoch_;
  run.step_on = step_on_;
  run.momentum = c_.optimizer->momentum();
  return run;
}

double Trainer::start_scheduler(Scheduler& scheduler, int epochs) const {
  try {
    return scheduler.start(schedule_start(epochs));
  } catch (const ParamError& e) {
    experiment_.source->fail("scheduler." + e.param(), e.what());
  }
}

void Trainer::apply_scheduler_momentum() {
  // fresh_scheduler() has refused a scheduler that sets a momentum the optimizer lacks.
  if (const std::optional<double> momentum = c_.scheduler->momentum()) c_.optimizer->set_momentum(*momentum);
}

void Trainer::step_scheduler_after_batch() {
  last_step_lr_ = c_.optimizer->learning_rate();
  if (!c_.scheduler || step_on_ != StepOn::batch) return;
  // Steps so far: every mini-batch is full but an epoch's last, so this epoch's are rows_done / batch rounded up.
  const auto in_epoch = static_cast<std::int64_t>((state_.rows_done + batch_rows_ - 1) / batch_rows_);
  c_.optimizer->set_learning_rate(c_.scheduler->next_step(state_.epochs_done * steps_per_epoch_ + in_epoch));
  apply_scheduler_momentum();
}

void Trainer::restore(const TrainingState& state, int epochs) {
  // Everything is checked before anything is taken: a checkpoint that does not fit changes nothing.
  try {
    check_fits(state, epochs);
    Random shuffle = random_, dropout = dropout_random_;
    shuffle.set_state(state.shuffle_random);
    dropout.set_state(state.dropout_random);
    c_.optimizer->load_state(state.optimizer);
    random_ = shuffle;
    dropout_random_ = dropout;
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {
    throw CheckpointError(e.what());
  }
  load_weights(state.weights, c_.model->parameters());
  state_ = state;
  state_.experiment = identity_;
  epochs_ = epochs;
  restored_ = true;
}

Trainer::BatchWork& Trainer::work_for(std::size_t batch) {
  BatchWork& work = work_[batch];
  if (!work.cache) work.cache = c_.model->make_cache(batch, c_.shape.steps);
  return work;
}

double Trainer::train_batch(BatchWork& work, const Tensor3& inputs, const Tensor3& targets) {
  // In one pass where the loss and the model allow it (Model::train_step): each group of sequences
  // gets its part of the gradient from the loss while the model still has its activations in cache.
  const bool one_pass = c_.loss->separable() &&
                        c_.model->train_step(inputs, *work.cache, work.outputs, LossRowsGradient(*c_.loss, targets));
  if (!one_pass) c_.model->forward(inputs, *work.cache, work.outputs);
  const double loss = c_.loss->value(work.outputs, targets);
  if (!std::isfinite(loss)) return loss;  // no step from a poisoned gradient
  if (!one_pass) {
    c_.loss->gradient(work.outputs, targets, work.grad_outputs);
    c_.model->backward(inputs, *work.cache, work.grad_outputs);
  }
  if (!check_and_clip_gradient()) return std::nan("");  // no step from a poisoned gradient
  c_.optimizer->step(c_.model->parameters());
  return loss;
}

bool Trainer::check_and_clip_gradient() {
  std::vector<Parameter>& parameters = c_.model->parameters();
  double squares = 0;
  for (const Parameter& p : parameters)
    for (float g : p.grad) squares += static_cast<double>(g) * g;
  const double norm = std::sqrt(squares);
  if (!std::isfinite(norm)) {
    if (outcome_) outcome_->gradient_not_finite = true;
    return false;
  }
  const int epoch = state_.epochs_done + 1;
  if (epoch == 1) state_.first_gradient_norm = std::max(state_.first_gradient_norm, norm);
  state_.last_gradient_norm = norm;
  state_.last_gradient_epoch = epoch;
  state_.norm_sum += norm;
  ++state_.steps;
  // As torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
  if (clip_norm_ > 0) {
    const double scale = clip_norm_ / (norm + 1e-6);
    if (scale < 1.0)
      for (Parameter& p : parameters) p.grad *= static_cast<float>(scale);
  }
  return true;
}

double Trainer::train_share(std::size_t first, std::size_t rows) {
  const SequenceSet& train = c_.data.train;
  const Tensor3* inputs = &train.inputs;
  const Tensor3* targets = &train.targets;
  if (rows < train.count()) {  // a mini-batch: gathered as one process gathers it (no model cache)
    BatchWork& work = work_[rows];
    gather(train.inputs, state_.order, first, rows, work.inputs);
    gather(train.targets, state_.order, first, rows, work.targets);
    inputs = &work.inputs;
    targets = &work.targets;
  }
  const double loss = data_parallel_->compute(*inputs, *targets, &dropout_random_);
  if (!std::isfinite(loss)) return loss;                // the same verdict in every process: no step
  if (!check_and_clip_gradient()) return std::nan("");  // the summed gradient: the same in every process
  c_.optimizer->step(c_.model->parameters());
  return loss;
}

bool Trainer::train_epoch_batches(std::size_t batch) {
  using clock = std::chrono::steady_clock;
  const SequenceSet& train = c_.data.train;
  const std::size_t count = train.count();
  c_.model->set_training(&dropout_random_);
  while (state_.rows_done < count && std::isfinite(state_.loss_sum)) {
    const auto start = clock::now();
    const std::size_t first = state_.rows_done, n = std::min(batch, count - first);
    double loss;
    if (split_) {  // data-parallel: every batch, the full one too, through this process's share
      loss = train_share(first, n);
    } else if (n == count) {
      loss = train_batch(work_for(count), train.inputs, train.targets);
    } else {
      BatchWork& work = work_for(n);
      gather(train.inputs, state_.order, first, n, work.inputs);
      gather(train.targets, state_.order, first, n, work.targets);
      loss = train_batch(work, work.inputs, work.targets);
    }
    state_.loss_sum += loss * static_cast<double>(n);
    state_.rows_done += n;
    if (std::isfinite(loss)) step_scheduler_after_batch();  // a non-finite loss took no step
    state_.seconds += std::chrono::duration<double>(clock::now() - start).count();
    // Between two mini-batches a local run may stop; data-parallel processes agree at epoch ends.
    if (!split_ && state_.rows_done < count && StopSignals::stop_requested()) {
      c_.model->set_training(nullptr);
      return false;
    }
  }
  c_.model->set_training(nullptr);
  return true;
}

bool Trainer::track_best(const EpochRecord& record, bool validated) {
  const bool watches_val = best_metric_ == "val_loss";
  BestEpoch& best = state_.best;
  // Patience counts validated epochs: validating every N epochs must not make it N times shorter.
  if (watches_val && !validated) return patience_ > 0 && best.epochs_without_improvement >= patience_;
  const double metric = watches_val ? record.val_loss : record.train_loss;
  if (metric < best.metric - min_delta_) {
    best.metric = metric;
    best.epoch = record.epoch;
    best.epochs_without_improvement = 0;
    if (keep_best_) best.weights = copy_weights(c_.model->parameters());
  } else {
    ++best.epochs_without_improvement;
  }
  return patience_ > 0 && best.epochs_without_improvement >= patience_;
}

bool Trainer::stop_agreed() {
  if (!split_) return StopSignals::stop_requested();
  double asked = StopSignals::stop_requested() ? 1 : 0;  // every process takes part in every sum
  split_->sum(&asked, 1);
  return asked > 0;
}

TrainingState Trainer::snapshot() const {
  TrainingState s = state_;
  s.shuffle_random = random_.state();
  s.dropout_random = dropout_random_.state();
  s.lr = c_.optimizer->learning_rate();
  s.optimizer = c_.optimizer->state();
  s.scheduler = c_.scheduler ? c_.scheduler->state() : PluginState{};
  s.weights = copy_weights(c_.model->parameters());
  return s;
}

TrainingOutcome Trainer::run(const std::function<void(const EpochRecord&)>& on_epoch,
                             const std::function<void(const TrainingState&)>& on_checkpoint) {
  TrainingOutcome outcome;
  const std::size_t count = c_.data.train.count();
  const std::size_t batch = batch_size_ == 0 || batch_size_ >= count ? count : batch_size_;
  // No allocation per epoch: the records of up to kReservedEpochs epochs are reserved at once, and a longer
  // run's grow by doubling (a few allocations in all). Reserving every epoch up front would make a run of
  // training.epochs: 2147483647 fail at its first line; the memory estimate counts the records instead.
  state_.history.reserve(std::min<std::size_t>(static_cast<std::size_t>(epochs_), kReservedEpochs));
  outcome_ = &outcome;
  struct Done {  // outcome_ must not outlive this call
    Trainer& t;
    ~Done() { t.outcome_ = nullptr; }
  } done{*this};
  auto checkpoint = [&] {
    if (on_checkpoint) on_checkpoint(snapshot());
  };
  auto finish = [&] {
    outcome.history = state_.history;
    outcome.first_gradient_norm = state_.first_gradient_norm;
    outcome.last_gradient_norm = state_.last_gradient_norm;
    outcome.last_gradient_epoch = state_.last_gradient_epoch;
    outcome.kept_metric = best_metric_;
    return outcome;
  };

  // The schedule starts from the optimizer's configured rate; a restored run goes on from its own.
  const double base_lr = c_.optimizer->learning_rate();
  if (c_.scheduler) {
    const double first = start_scheduler(*c_.scheduler, epochs_);
    if (restored_)
      c_.scheduler->load_state(state_.scheduler);
    else
      state_.lr = first;
    apply_scheduler_momentum();
  } else if (!restored_) {
    state_.lr = base_lr;
  }
  c_.optimizer->set_learning_rate(state_.lr);
  outcome.stopped_early = state_.stopped_early;

  for (int epoch = state_.epochs_done + 1; epoch <= epochs_ && !state_.stopped_early; ++epoch) {
    if (state_.rows_done == 0) {  // a new epoch (a restored one may be half done)
      if (shuffle_ && batch < count) random_.shuffle(state_.order);
      state_.loss_sum = state_.norm_sum = state_.seconds = 0;
      state_.steps = 0;
    }
    if (!train_epoch_batches(batch)) {
      outcome.stopped_by_signal = StopSignals::signal_number();
      checkpoint();
      return finish();
    }
    EpochRecord record;
    record.epoch = epoch;
    // The rate the epoch trained at; stepped per batch, that of its last step.
    record.lr = step_on_ == StepOn::batch && c_.scheduler ? last_step_lr_ : c_.optimizer->learning_rate();
    record.seconds = state_.seconds;
    record.train_loss = state_.loss_sum / static_cast<double>(count);
    record.grad_norm = state_.steps ? state_.norm_sum / static_cast<double>(state_.steps) : 0.0;
    if (!std::isfinite(record.train_loss)) {
      outcome.diverged = true;
      outcome.diverged_epoch = epoch;
      return finish();
    }
    // Validation runs the model without dropout (no draws): skipping it leaves training's numbers alone.
    const bool validated = epoch % validate_every_ == 0 || epoch == epochs_;
    record.val_loss = validated ? evaluate(c_.data.validation) : std::nan("");
    state_.stopped_early = track_best(record, validated);
    // Early stopping on train_loss may end the run on a skipped epoch: a run's last epoch always has
    // its validation loss (summary.json's final_val_loss, `keep: last`'s value).
    if (state_.stopped_early && !validated) record.val_loss = evaluate(c_.data.validation);
    state_.history.push_back(record);
    state_.epochs_done = epoch;
    state_.rows_done = 0;
    if (c_.scheduler && step_on_ == StepOn::epoch) {
      c_.optimizer->set_learning_rate(c_.scheduler->next({epoch, record.train_loss, record.val_loss}));
      apply_scheduler_momentum();
    }
    on_epoch(record);
    outcome.stopped_early = state_.stopped_early;
    if (epoch < epochs_ && !state_.stopped_early && stop_agreed()) {
      outcome.stopped_by_signal = StopSignals::signal_number();
      checkpoint();
      return finish();
    }
    if (checkpoint_every_ > 0 && epoch % checkpoint_every_ == 0 && epoch < epochs_ && !state_.stopped_early)
      checkpoint();
  }
  checkpoint();  // the last weights: `resume --epochs` can go on from them
  if (keep_best_ && state_.best.epoch > 0) {
    load_weights(state_.best.weights, c_.model->parameters());
    outcome.kept = "best";
    outcome.kept_epoch = state_.best.epoch;
    outcome.kept_metric_value = state_.best.metric;
  } else {
    outcome.kept_epoch = state_.epochs_done;
    outcome.kept_metric_value = state_.history.empty()       ? 0.0
                                : best_metric_ == "val_loss" ? state_.history.back().val_loss
                                                             : state_.history.back().train_loss;
  }
  return finish();
}

const Tensor3& Trainer::predict(const Tensor3& inputs) {
  BatchWork& work = work_for(inputs.shape()[0]);
  if (inputs.shape()[0] == 0) {
    work.outputs.resize({0, c_.shape.target_steps, c_.shape.output_size});
    return work.outputs;
  }
  c_.model->forward(inputs, *work.cache, work.outputs);
  return work.outputs;
}

double Trainer::evaluate(const SequenceSet& set) {
  if (set.count() == 0) return std::nan("");
  return c_.loss->value(predict(set.inputs), set.targets);
}

}  // namespace seqlab
