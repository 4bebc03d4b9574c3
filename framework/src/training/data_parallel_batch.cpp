// One batch trained by several processes (MPI ranks): each trains whole reduction blocks, outputs and
// gradients exchanged and added in block order.
// Tested in tests/data_parallel/mpi_data_parallel_test.sh
#include "training/data_parallel_batch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <seqlab/parallel.hpp>

#include "training/loss_rows_gradient.hpp"

namespace seqlab {

namespace {

// Rows [first, first + rows) of a (batch, steps, features) tensor into `dest`, sized once.
void copy_rows(const Tensor3& source, std::size_t first, std::size_t rows, Tensor3& dest) {
  const std::array<std::size_t, 3> shape{rows, source.shape()[1], source.shape()[2]};
  if (dest.shape() != shape) dest.resize(shape);
  const std::size_t row = shape[1] * shape[2];
  std::copy_n(source.data() + first * row, rows * row, dest.data());
}

}  // namespace

DataParallelBatch::DataParallelBatch(Model& model, const Loss& loss, BatchSplit& split, std::size_t steps)
    : model_(model), loss_(loss), split_(split), steps_(steps) {
  for (const Parameter& p : model_.parameters()) parameter_values_ += p.size();
}

DataParallelBatch::BatchBlocks& DataParallelBatch::blocks_for(const Tensor3& inputs, const Tensor3& targets) {
  const std::size_t rows = inputs.shape()[0];
  BatchBlocks& b = by_rows_[rows];
  if (b.count > 0) return b;
  b.count = reduction_blocks(rows);
  std::tie(b.mine_first, b.mine_last) = share_of_batch(b.count, split_.part(), split_.parts());
  for (std::size_t k = b.mine_first; k < b.mine_last; ++k) {
    Block block;
    const auto [first, last] = reduction_block(rows, k);
    block.first = first;
    block.rows = last - first;
    block.cache = model_.make_cache(block.rows, steps_);
    b.mine.push_back(std::move(block));
  }
  const std::size_t output_steps = model_.output_steps(steps_);
  b.outputs.resize({rows, output_steps, targets.shape()[2]});
  b.exchange.resize(std::max(b.outputs.size(), b.count * parameter_values_));
  return b;
}

void DataParallelBatch::forward_mine(BatchBlocks& b, const Tensor3& inputs, Random* dropout) {
  const std::size_t draws = dropout ? model_.draws_per_sequence(steps_) : 0;
  std::fill_n(b.exchange.begin(), b.outputs.size(), 0.0);
  const std::size_t row_values = b.outputs.shape()[1] * b.outputs.shape()[2];
  for (Block& block : b.mine) {
    copy_rows(inputs, block.first, block.rows, block.inputs);
    if (draws > 0) {  // the stream where this block's first row's draws are
      block_stream_ = *dropout;
      block_stream_.discard(block.first * draws);
      model_.set_training(&block_stream_);
    }
    model_.forward(block.inputs, *block.cache, block.outputs);
    std::copy_n(block.outputs.data(), block.rows * row_values, b.exchange.begin() + block.first * row_values);
  }
  if (draws > 0) {  // past the whole batch's draws, as in one process
    dropout->discard(inputs.shape()[0] * draws);
    model_.set_training(dropout);
  }
  exchange_outputs(b);
}

// As Trainer::train_batch does in one process: each of this process's blocks through Model::train_step,
// its outputs into the exchange and its gradient into block.grads (a block is a batch of its own there
// too, so these are one process's bits). Not when the model draws from the dropout stream: the two-pass
// path places the stream for each block. False, having changed nothing, when the model declines.
bool DataParallelBatch::train_mine_in_one_pass(BatchBlocks& b, const Tensor3& inputs, const Tensor3& targets,
                                               Random* dropout) {
  if (!loss_.separable() || (dropout && model_.draws_per_sequence(steps_) > 0)) return false;
  std::fill_n(b.exchange.begin(), b.outputs.size(), 0.0);
  const std::size_t row_values = b.outputs.shape()[1] * b.outputs.shape()[2];
  for (std::size_t k = 0; k < b.mine.size(); ++k) {
    Block& block = b.mine[k];
    copy_rows(inputs, block.first, block.rows, block.inputs);
    const bool ran =
        model_.train_step(block.inputs, *block.cache, block.outputs, LossRowsGradient(loss_, targets, block.first));
    if (!ran && k == 0) return false;
    if (!ran) throw std::logic_error("model: train_step declined one block of a batch after taking another");
    std::copy_n(block.outputs.data(), block.rows * row_values, b.exchange.begin() + block.first * row_values);
    block.grads.resize(parameter_values_);
    float* slot = block.grads.data();
    for (const Parameter& p : model_.parameters()) slot = std::copy(p.grad.begin(), p.grad.end(), slot);
  }
  exchange_outputs(b);
  return true;
}

void DataParallelBatch::exchange_outputs(BatchBlocks& b) {
  split_.sum(b.exchange.data(), b.outputs.size());  // one block's outputs from one process, zeros from the rest
  std::copy_n(b.exchange.begin(), b.outputs.size(), b.outputs.data());
}

// Every block's gradient from the process that trained it (by backward now, or kept in block.grads by
// train_mine_in_one_pass), then added in block order as the recurrent models add their shards: the
// first copied, each next one added, in float.
void DataParallelBatch::sum_block_gradients(BatchBlocks& b, bool one_pass) {
  std::vector<Parameter>& parameters = model_.parameters();
  const std::size_t values = b.count * parameter_values_;
  std::fill_n(b.exchange.begin(), values, 0.0);
  for (std::size_t k = 0; k < b.mine.size(); ++k) {
    Block& block = b.mine[k];
    double* slot = b.exchange.data() + (b.mine_first + k) * parameter_values_;
    if (one_pass) {
      std::copy(block.grads.begin(), block.grads.end(), slot);
      continue;
    }
    copy_rows(b.grad_outputs, block.first, block.rows, block.grad_outputs);
    model_.backward(block.inputs, *block.cache, block.grad_outputs);
    for (const Parameter& p : parameters) slot = std::copy(p.grad.begin(), p.grad.end(), slot);
  }
  split_.sum(b.exchange.data(), values);
  std::size_t offset = 0;
  for (Parameter& p : parameters) {
    float* grad = p.grad.data();
    for (std::size_t i = 0; i < p.size(); ++i) grad[i] = static_cast<float>(b.exchange[offset + i]);
    for (std::size_t k = 1; k < b.count; ++k) {
      const double* part = b.exchange.data() + k * parameter_values_ + offset;
      for (std::size_t i = 0; i < p.size(); ++i) grad[i] += static_cast<float>(part[i]);
    }
    offset += p.size();
  }
}

double DataParallelBatch::compute(const Tensor3& inputs, const Tensor3& targets, Random* dropout) {
  BatchBlocks& b = blocks_for(inputs, targets);
  // Both paths make the same exchanges in the same order (outputs, then gradients), so processes agree
  // even where one has no block (and so never asks the model).
  const bool one_pass = train_mine_in_one_pass(b, inputs, targets, dropout);
  if (!one_pass) forward_mine(b, inputs, dropout);
  // Every process now holds the batch's outputs: the loss and dL/dy as one process computes them.
  const double loss = loss_.value(b.outputs, targets);
  if (!std::isfinite(loss)) return loss;  // the same verdict everywhere: no gradient, no step
  if (!one_pass) loss_.gradient(b.outputs, targets, b.grad_outputs);
  sum_block_gradients(b, one_pass);
  return loss;
}

}  // namespace seqlab
