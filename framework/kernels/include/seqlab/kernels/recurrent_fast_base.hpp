// FastBase: the network, head and parameters of a fast recurrent model, run as batch-parallel shards;
// a subclass (recurrent_fast.hpp's FastModel for rnn and lstm, gru_fast.hpp's GruFast) adds the cell's layers.
//
// It makes a cache's shards and train_step's group buffers, runs the shards on the pool, and sums their
// gradients; the pieces it is made of are in recurrent_shards.hpp (buffers, sizes, dropout),
// recurrent_head.hpp (the Linear head) and recurrent_products.hpp (the products). The design (time-major
// shards, fused per-row passes, per-step register products) is described at the top of recurrent_fast.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <seqlab/kernels/recurrent_common.hpp>
#include <seqlab/kernels/recurrent_head.hpp>
#include <seqlab/kernels/recurrent_products.hpp>
#include <seqlab/kernels/recurrent_shards.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/parallel.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace seqlab::recurrent {

// The network, head and parameters of a fast recurrent model; a subclass adds the cell's layers.
class FastBase : public Model {
 public:
  std::vector<Parameter>& parameters() override { return parameters_; }

  void forward(const Tensor3& inputs, ModelCache& cache_base, Tensor3& outputs) override {
    FastCache& cache = checked_cache(cache_base, inputs);
    const std::array<std::size_t, 3> shape{cache.batch, output_steps(cache.steps), sizes_.output};
    if (outputs.shape() != shape) outputs.resize(shape);
    prepare_weights();
    allocate_activations(cache);
    draw_masks(training_, sizes_, cache);
    run_shards(cache, [&](Shard& shard) { forward_shard(inputs, cache.steps, cache.dropping, shard, outputs); });
  }

  // Consumes the cache's activations: call forward again before another backward.
  void backward(const Tensor3& inputs, ModelCache& cache_base, const Tensor3& grad_outputs) override {
    FastCache& cache = checked_cache(cache_base, inputs);
    const std::array<std::size_t, 3> expected{cache.batch, output_steps(cache.steps), sizes_.output};
    if (grad_outputs.shape() != expected)
      throw std::logic_error("recurrent model: grad_outputs do not have the outputs' shape");
    allocate_activations(cache);
    run_shards(cache, [&](Shard& shard) { backward_shard(cache.steps, cache.dropping, shard, grad_outputs); });
    sum_shard_gradients(cache.shards, parameters_);
  }

  // Forward and backward per group of a shard's sequences (kGroupBytes): the same outputs as forward,
  // and a gradient that differs from backward's only in the order its terms are added (each group's,
  // then the groups' in row order). Not with dropout: its masks are drawn a shard at a time.
  bool train_step(const Tensor3& inputs, ModelCache& cache_base, Tensor3& outputs,
                  const OutputGradient& gradient) override {
    FastCache& cache = checked_cache(cache_base, inputs);
    if (training_ && sizes_.drops()) return false;
    const std::size_t out_steps = output_steps(cache.steps), row_values = out_steps * sizes_.output;
    const std::array<std::size_t, 3> shape{cache.batch, out_steps, sizes_.output};
    if (outputs.shape() != shape) outputs.resize(shape);
    if (cache.grad_outputs.shape() != shape) cache.grad_outputs.resize(shape);
    prepare_weights();
    cache.dropping = false;
    for (Shard& shard : cache.shards)
      if (shard.groups == 1) allocate_activations(shard, cache.steps);
    run_by_worker(cache, [&](Shard& shard, std::vector<Shard>& workspace) {
      for (std::size_t j = 0; j < shard.groups; ++j) {
        Shard& group = shard.groups == 1 ? shard : group_buffers(shard, j, workspace);
        forward_shard(inputs, cache.steps, false, group, outputs);
        const std::size_t first = group.row0 * row_values;
        gradient(group.row0, group.rows, outputs.data() + first, cache.grad_outputs.data() + first);
        backward_shard(cache.steps, false, group, cache.grad_outputs);
        if (&group != &shard) add_group_gradient(group, j == 0, shard);
      }
    });
    sum_shard_gradients(cache.shards, parameters_);
    return true;
  }

  std::size_t output_steps(std::size_t steps) const override { return sizes_.head == Head::last ? 1 : steps; }
  std::size_t draws_per_sequence(std::size_t steps) const override { return sizes_.draws_per_sequence(steps); }

  void set_training(Random* random) override { training_ = random; }

 protected:
  // state_width: the cell's state per layer, sequence and step, in units of H (lstm: c; gru: h; rnn: none).
  FastBase(const PluginArgs& args, const std::string& prefix, std::size_t gates, std::size_t state_width)
      : sizes_(read_sizes(args, gates)),
        state_width_(state_width),
        parameters_(make_parameters(sizes_, prefix, args.random)),
        pool_(args.pool) {}

  // The cell's part, called by forward and backward above. Per forward, before the shards run:
  // whatever the shards read from the parameters in another layout.
  virtual void prepare_weights() = 0;
  // One shard's rows through every layer and the head (outputs: this shard's rows).
  virtual void forward_shard(const Tensor3& inputs, std::size_t steps, bool dropping, Shard& sh,
                             Tensor3& outputs) const = 0;
  // Its gradients into sh.grads, from the head down (backward_head first).
  virtual void backward_shard(std::size_t steps, bool dropping, Shard& sh, const Tensor3& grad_outputs) const = 0;

  bool folds_input(std::size_t layer) const { return sizes_.layer_input(layer) <= kFoldedInputWidth; }
  // A wider input through the register kernel a step at a time (x_t W_ih^T, and x_t^T dL/da_t for dW_ih).
  bool input_per_step(std::size_t layer) const {
    return !folds_input(layer) && register_gemm_tn_fits(sizes_.layer_input(layer), sizes_.gate_width());
  }

  // A cache of one or two shards per reduction block (seqlab/parallel.hpp: fixed by the batch size,
  // not the thread count, so the gradient's sum is the same at any thread count), each with what every
  // cell needs (make_shard) and what this cell needs (add_cell_buffers), and with train_step's group
  // buffers. bias_sums: the per-layer bias sums before a folded input's (in x G). permuted_grad: the
  // floats of Shard::permuted_grad (0 when the cell does not reorder its gates).
  std::unique_ptr<FastCache> make_shards(std::size_t batch, std::size_t steps, std::size_t bias_sums,
                                         std::size_t permuted_grad = 0) const {
    if (batch == 0 || steps == 0) throw std::logic_error("recurrent model: a cache needs batch >= 1 and steps >= 1");
    auto cache = std::make_unique<FastCache>();
    cache->batch = batch;
    cache->steps = steps;
    // Each reduction block whole, or in two halves when it has 2 * kMinShardRows to kHalvedBelow - 1
    // rows, so that a small batch still fills two threads. A large block stays whole: more shards cost
    // per-step overheads (the seed LSTM's 1000 sequences as 4 shards of 250 took 6% longer per epoch at
    // one thread than as 2 of 500, which were within 2% of one shard).
    for (std::size_t b = 0; b < reduction_blocks(batch); ++b) {
      const auto [first, last] = reduction_block(batch, b);
      const std::size_t rows = last - first;
      const std::size_t parts = rows >= 2 * kMinShardRows && rows < kHalvedBelow ? 2 : 1;
      for (std::size_t j = 0; j < parts; ++j) {
        const std::size_t row0 = first + rows * j / parts;
        cache->shards.push_back(make_shard(first + rows * (j + 1) / parts - row0, steps, bias_sums, permuted_grad));
        cache->shards.back().block = b;
        cache->shards.back().row0 = row0;
      }
    }
    cache->workspaces.resize(std::min(workers(), cache->shards.size()));
    for (std::size_t s = 0; s < cache->shards.size(); ++s) {
      Shard& shard = cache->shards[s];
      shard.groups = group_count(shard.rows, steps);
      std::vector<Shard>& workspace = cache->workspaces[s % cache->workspaces.size()];
      for (std::size_t j = 0; j < shard.groups && shard.groups > 1; ++j) {
        const std::size_t rows = group_rows(shard, j);  // `rows / groups` or one more
        if (std::any_of(workspace.begin(), workspace.end(), [&](const Shard& w) { return w.rows == rows; })) continue;
        workspace.push_back(make_shard(rows, steps, bias_sums, permuted_grad));
        allocate_activations(workspace.back(), steps);
      }
    }
    cache->mask_pointers.reserve(sizes_.layers);
    return cache;
  }

  // The cell's own per-shard buffers (gates, state, scratch) for a shard of shard.rows sequences.
  virtual void add_cell_buffers(Shard& shard, std::size_t steps) const = 0;

 private:
  Shard make_shard(std::size_t rows, std::size_t steps, std::size_t bias_sums, std::size_t permuted_grad) const {
    const std::size_t h = sizes_.hidden, g = sizes_.gate_width();
    std::size_t widest_fold = 0, widest_step_input = 0;
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      if (folds_input(l)) widest_fold = std::max(widest_fold, sizes_.layer_input(l) * g);
      if (input_per_step(l)) widest_step_input = std::max(widest_step_input, sizes_.layer_input(l) * g);
    }
    const std::size_t sums = std::max(bias_sums + widest_fold, sizes_.output);
    Shard shard;
    shard.rows = rows;
    shard.grad_state = Tensor2::from_shape({rows, h});
    for (const Parameter& p : parameters_) shard.grads.push_back(Tensor1::from_shape({p.size()}));
    shard.sums.resize(sums);
    shard.step_sums = Tensor1::from_shape({sums});
    shard.input_grad_t = Tensor1::from_shape({widest_step_input});
    shard.permuted_grad = Tensor1::from_shape({permuted_grad});
    return shard;
  }

  // A shard's activations over all its steps, on first use: a batch that only ever trains in one pass
  // (train_step's groups, in buffers of their own) never needs them, and does not hold that memory.
  void allocate_activations(Shard& shard, std::size_t steps) const {
    if (shard.has_activations) return;
    const std::size_t rows = shard.rows, h = sizes_.hidden;
    shard.inputs = Tensor3::from_shape({steps, rows, sizes_.input});
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      shard.hidden.push_back(Tensor3::from_shape({steps, rows, h}));
      if (sizes_.drops() && l + 1 < sizes_.layers) {
        shard.masks.push_back(Tensor3::from_shape({steps, rows, h}));
        shard.dropped.push_back(Tensor3::from_shape({steps, rows, h}));
      }
    }
    shard.grad_hidden = Tensor3::from_shape({steps, rows, h});
    if (sizes_.head == Head::sequence) shard.head = Tensor3::from_shape({steps, rows, sizes_.output});
    add_cell_buffers(shard, steps);
    shard.has_activations = true;
  }
  void allocate_activations(FastCache& cache) const {
    for (Shard& shard : cache.shards) allocate_activations(shard, cache.steps);
  }

  // How many groups train_step cuts a shard of `rows` sequences into (kGroupBytes, kMinGroupRows). One
  // where the recurrent product goes to OpenBLAS (register_gemm_nn_fits): its per-step products would
  // have a dozen rows, which it handles far worse than a shard's hundreds.
  std::size_t group_count(std::size_t rows, std::size_t steps) const {
    if (!register_gemm_nn_fits(sizes_.hidden, sizes_.gate_width())) return 1;
    // (A sequence head's outputs, a float or two per step, are left out, as they were when the group
    // sizes were measured; counting them would move some groups' boundaries, and so the last bits.)
    const double floats = activation_floats_per_step(
        static_cast<double>(sizes_.input), static_cast<double>(sizes_.hidden), static_cast<double>(sizes_.layers),
        static_cast<double>(sizes_.gate_width()), static_cast<double>(state_width_), 0);
    const std::size_t per_row = sizeof(float) * steps * static_cast<std::size_t>(floats);
    const std::size_t group_rows = std::max(kMinGroupRows, kGroupBytes / std::max<std::size_t>(1, per_row));
    return std::max<std::size_t>(1, rows / group_rows);
  }

  std::size_t workers() const { return pool_ ? pool_->size() : 1; }

 protected:
  // work(shard, workspace) for every shard, shard s on worker s % workers with that worker's workspace.
  template <class Work>
  void run_by_worker(FastCache& cache, Work&& work) {
    const std::size_t n = cache.workspaces.size();
    auto share = [&](std::size_t w) {
      for (std::size_t s = w; s < cache.shards.size(); s += n) work(cache.shards[s], cache.workspaces[w]);
    };
    if (pool_ && n > 1)
      pool_->run(n, share);
    else
      share(0);
  }

  template <class Work>
  void run_shards(FastCache& cache, Work&& work) {
    if (pool_ && cache.shards.size() > 1)
      pool_->run(cache.shards.size(), [&](std::size_t s) { work(cache.shards[s]); });
    else
      for (Shard& shard : cache.shards) work(shard);
  }

  FastCache& checked_cache(ModelCache& cache_base, const Tensor3& inputs) const {
    auto* cache = dynamic_cast<FastCache*>(&cache_base);
    if (!cache) throw std::logic_error("recurrent model: the cache was not made by this model");
    const auto& shape = inputs.shape();
    if (shape[0] != cache->batch || shape[1] != cache->steps || shape[2] != sizes_.input)
      throw std::logic_error("recurrent model: inputs of shape (" + std::to_string(shape[0]) + ", " +
                             std::to_string(shape[1]) + ", " + std::to_string(shape[2]) +
                             ") do not fit the cache, made for (" + std::to_string(cache->batch) + ", " +
                             std::to_string(cache->steps) + ", " + std::to_string(sizes_.input) + ")");
    return *cache;
  }

  const Sizes sizes_;
  const std::size_t state_width_;  // the cell's state per layer, sequence and step, in units of H
  std::vector<Parameter> parameters_;
  ThreadPool* pool_;
  Random* training_ = nullptr;  // set_training: the masks' source while training; nullptr: evaluating
};

}  // namespace seqlab::recurrent
