// Epoch loop and batching; the only place that calls forward, loss, backward and step in order.
#include "training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <vector>

namespace seqlab {

namespace {

// Copies the rows `order[first, first + count)` of `source` into `dest` (count, ...),
// resizing it only the first time (each batch size has its own buffers).
void gather(const Tensor3& source, const std::vector<std::size_t>& order, std::size_t first, std::size_t count,
            Tensor3& dest) {
  const std::size_t row = source.shape()[1] * source.shape()[2];
  if (dest.shape() != std::array<std::size_t, 3>{count, source.shape()[1], source.shape()[2]})
    dest.resize({count, source.shape()[1], source.shape()[2]});
  for (std::size_t i = 0; i < count; ++i)
    std::copy_n(source.data() + order[first + i] * row, row, dest.data() + i * row);
}

}  // namespace

Trainer::Trainer(Components& components, const ParamValues& training, std::uint64_t seed, BatchSplit* split)
    : c_(components),
      epochs_(static_cast<int>(training.integer("epochs"))),
      batch_size_(static_cast<std::size_t>(training.integer("batch_size"))),
      shuffle_(training.boolean("shuffle")),
      random_(Random::stream(seed, "training")),
      dropout_random_(Random::stream(seed, "dropout")),
      split_(split) {
  if (!split_) return;
  std::size_t values = 1;  // the loss
  for (const Parameter& p : c_.model->parameters()) values += p.size();
  shared_.resize(values);
}

Trainer::BatchWork& Trainer::work_for(std::size_t batch) {
  BatchWork& work = work_[batch];
  if (!work.cache) work.cache = c_.model->make_cache(batch, c_.shape.steps);
  return work;
}

double Trainer::train_batch(BatchWork& work, const Tensor3& inputs, const Tensor3& targets) {
  c_.model->forward(inputs, *work.cache, work.outputs);
  const double loss = c_.loss->value(work.outputs, targets);
  if (!std::isfinite(loss)) return loss;  // no step from a poisoned gradient
  c_.loss->gradient(work.outputs, targets, work.grad_outputs);
  c_.model->backward(inputs, *work.cache, work.grad_outputs);
  if (!gradient_is_finite()) return std::nan("");  // no step from a poisoned gradient
  c_.optimizer->step(c_.model->parameters());
  return loss;
}

bool Trainer::gradient_is_finite() {
  double squares = 0;
  for (const Parameter& p : c_.model->parameters())
    for (float g : p.grad) squares += static_cast<double>(g) * g;
  const double norm = std::sqrt(squares);
  if (!outcome_) return std::isfinite(norm);
  if (!std::isfinite(norm)) {
    outcome_->gradient_not_finite = true;
    return false;
  }
  if (epoch_ == 1) outcome_->first_gradient_norm = std::max(outcome_->first_gradient_norm, norm);
  outcome_->last_gradient_norm = norm;
  outcome_->last_gradient_epoch = epoch_;
  return true;
}

double Trainer::train_share(const std::vector<std::size_t>& order, std::size_t first, std::size_t rows) {
  const SequenceSet& train = c_.data.train;
  const auto [begin, end] = share_of_batch(rows, split_->part(), split_->parts());
  std::vector<Parameter>& parameters = c_.model->parameters();
  // Losses are means over a batch's sequences: the batch's gradient is the shares'
  // gradients weighted by their row counts, and likewise its loss.
  std::fill(shared_.begin(), shared_.end(), 0.0);
  if (end > begin) {  // a batch smaller than the process count leaves some shares empty
    const std::size_t n = end - begin;
    BatchWork& work = work_for(n);
    gather(train.inputs, order, first + begin, n, work.inputs);
    gather(train.targets, order, first + begin, n, work.targets);
    c_.model->forward(work.inputs, *work.cache, work.outputs);
    const double loss = c_.loss->value(work.outputs, work.targets);
    // Even a non-finite loss is shared: every process must take part in every sum.
    c_.loss->gradient(work.outputs, work.targets, work.grad_outputs);
    c_.model->backward(work.inputs, *work.cache, work.grad_outputs);
    const double weight = static_cast<double>(n) / static_cast<double>(rows);
    std::size_t k = 0;
    for (const Parameter& p : parameters)
      for (std::size_t i = 0; i < p.size(); ++i) shared_[k++] = weight * p.grad.data()[i];
    shared_.back() = loss * static_cast<double>(n);
  }
  split_->sum(shared_.data(), shared_.size());
  const double loss = shared_.back() / static_cast<double>(rows);
  if (!std::isfinite(loss)) return loss;  // the same verdict in every process: no step
  std::size_t k = 0;
  for (Parameter& p : parameters)
    for (std::size_t i = 0; i < p.size(); ++i) p.grad.data()[i] = static_cast<float>(shared_[k++]);
  if (!gradient_is_finite()) return std::nan("");  // the summed gradient: the same in every process
  c_.optimizer->step(parameters);
  return loss;
}

TrainingOutcome Trainer::run(const std::function<void(const EpochRecord&)>& on_epoch) {
  using clock = std::chrono::steady_clock;
  TrainingOutcome outcome;
  const SequenceSet& train = c_.data.train;
  const std::size_t count = train.count();
  const std::size_t batch = batch_size_ == 0 || batch_size_ >= count ? count : batch_size_;
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  outcome.history.reserve(static_cast<std::size_t>(epochs_));
  outcome_ = &outcome;
  struct Done {  // outcome_ must not outlive this call
    Trainer& t;
    ~Done() { t.outcome_ = nullptr; }
  } done{*this};

  for (int epoch = 1; epoch <= epochs_; ++epoch) {
    epoch_ = epoch;
    const auto start = clock::now();
    c_.model->set_training(&dropout_random_);
    EpochRecord record;
    record.epoch = epoch;
    record.lr = c_.optimizer->learning_rate();
    double loss_sum = 0;
    if (split_) {  // data-parallel: every batch, the full one too, through this process's share
      if (shuffle_ && batch < count) random_.shuffle(order);
      for (std::size_t first = 0; first < count && std::isfinite(loss_sum); first += batch) {
        const std::size_t n = std::min(batch, count - first);
        loss_sum += train_share(order, first, n) * static_cast<double>(n);
      }
    } else if (batch == count) {
      loss_sum = train_batch(work_for(count), train.inputs, train.targets) * static_cast<double>(count);
    } else {
      if (shuffle_) random_.shuffle(order);
      for (std::size_t first = 0; first < count && std::isfinite(loss_sum); first += batch) {
        const std::size_t n = std::min(batch, count - first);
        BatchWork& work = work_for(n);
        gather(train.inputs, order, first, n, work.inputs);
        gather(train.targets, order, first, n, work.targets);
        loss_sum += train_batch(work, work.inputs, work.targets) * static_cast<double>(n);
      }
    }
    record.seconds = std::chrono::duration<double>(clock::now() - start).count();
    c_.model->set_training(nullptr);
    record.train_loss = loss_sum / static_cast<double>(count);
    if (!std::isfinite(record.train_loss)) {
      outcome.diverged = true;
      outcome.diverged_epoch = epoch;
      return outcome;
    }
    record.val_loss = evaluate(c_.data.validation);
    outcome.history.push_back(record);
    on_epoch(record);
  }
  return outcome;
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
