// A fast recurrent model's shards: their buffers (Shard, FastCache), the measured sizes that cut a batch
// into shards and groups and pace the passes over them, the fixed-order sums of their gradients, and
// what dropout does to a shard's layers.
//
// A shard is a run of whole sequences that one thread takes through every layer and step
// (recurrent_fast.hpp's header says why); FastBase (recurrent_fast_base.hpp) makes them and runs them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <seqlab/kernels/recurrent_common.hpp>
#include <type_traits>
#include <vector>

namespace seqlab::recurrent {

// Inputs at most this wide are folded into the elementwise pass (see recurrent_fast.hpp).
inline constexpr std::size_t kFoldedInputWidth = 8;
// f(std::integral_constant<size_t, N>) with N >= width, width <= kFoldedInputWidth: 0, 1 (a single
// series, the common case) or kFoldedInputWidth, so that loops to N unroll and per-input sums
// stay in registers.
template <class F>
inline void with_folded_width(std::size_t width, F&& f) {
  if (width == 0)
    f(std::integral_constant<std::size_t, 0>{});
  else if (width == 1)
    f(std::integral_constant<std::size_t, 1>{});
  else
    f(std::integral_constant<std::size_t, kFoldedInputWidth>{});
}
// A shard gets at least this many sequences; a reduction block is halved from twice this up to
// kHalvedBelow rows (make_shards says why).
inline constexpr std::size_t kMinShardRows = 32;
inline constexpr std::size_t kHalvedBelow = 256;
// Backward adds the steps' share of dW_hh in GEMMs of about this many rows
// (sequences x steps): enough for an efficient GEMM, few enough that their
// dL/da is still in L2. At the seed size (1000 sequences, hidden 32), per LSTM
// epoch: with OpenBLAS one GEMM over all steps measured 10.8 ms per backward,
// 2048-row chunks 9.2 ms; with the register kernel, whole epochs took 14.5 ms
// with one product over all steps and 9.8-10.3 ms with chunks of 1000 to 4096 rows.
inline constexpr std::size_t kWeightGradRows = 2048;
// A training step in one pass (FastBase::train_step) takes a shard's sequences through forward and
// backward in groups whose activations fill about this many bytes, in buffers that every group a thread
// runs reuses: they stay in L2, where a whole shard's activations (at the seed size, 500 sequences'
// 12.8 MB of LSTM gates alone) went out to L3 and came back. Groups have at least kMinGroupRows
// sequences (two register tiles), fewer only when the shard has fewer.
inline constexpr std::size_t kGroupBytes = 1024 * 1024;
inline constexpr std::size_t kMinGroupRows = 12;
// Floats a shard's activations hold per sequence and step (FastBase::allocate_activations): the inputs,
// each layer's h, gates and state (state_width x H), dL/dh, and a sequence head's outputs.
inline double activation_floats_per_step(double input, double hidden, double layers, double gate_width,
                                         double state_width, double head_outputs) {
  return input + layers * (gate_width + hidden + state_width * hidden) + hidden + head_outputs;
}
// Backward's cell pass sums dL/da over this many rows in registers before it stores the sums:
// a block of rows (all its cell's inputs and outputs) stays in L1 while the pass goes over it once
// per block of units.
inline constexpr std::size_t kSummedRows = 16;

// One shard's activations and scratch, all time-major (T, rows, F). Which of the
// cell's fields a model uses, and how wide they are, its make_cache says.
struct Shard {
  std::size_t block = 0;           // the reduction block it belongs to (seqlab/parallel.hpp)
  std::size_t row0 = 0, rows = 0;  // the batch rows [row0, row0 + rows)
  Tensor3 inputs;                  // (T, rows, I)
  std::vector<Tensor3> gates;      // per layer (T, rows, G): activated gates after forward, dL/da after backward
  std::vector<Tensor3> hidden;     // per layer (T, rows, H): h_t
  std::vector<Tensor3> state;      // per layer (T, rows, state width * H): a cell's state; empty without one
  Tensor3 grad_hidden;             // (T, rows, H): dL/dh_t of the layer being differentiated
  Tensor2 grad_state;              // (rows, H): dL/dc (lstm) or dL/dh's direct path (gru) carried from step t+1 to t
  Tensor2 scratch;                 // the GRU's (rows, G): a step's recurrent part, then its input-side dL/da
  Tensor3 head;                    // (T, rows, O): sequence head outputs, then their gradients
  std::vector<Tensor1> grads;      // per parameter: this shard's share of the gradient
  std::vector<double> sums;        // double accumulators: bias gradients, then a folded input's weight gradient;
                                   // or the head's bias gradient (O)
  Tensor1 step_sums;               // the same sums for one step, in float
  Tensor1 input_grad_t;            // (in x G): dW_ih^T of a layer whose input goes through per-step products
  Tensor1 permuted_grad;           // (G x max(H, in)): a weight gradient in the fused kernels' gate order
  std::vector<Tensor3> masks;      // with dropout, per layer but the top (T, rows, H): m^l
  std::vector<Tensor3> dropped;    // the same: h^l * m^l, layer l+1's input while training
  std::size_t groups = 1;          // train_step's groups of this shard's rows (1: the shard itself)
  bool has_activations = false;    // whether the (T, rows, F) buffers above are allocated (allocate_activations)
};

struct FastCache : ModelCache {
  std::size_t batch = 0, steps = 0;
  std::vector<Shard> shards;
  Tensor3 grad_outputs;  // train_step: dL/d(outputs), (batch, output steps, O)
  // train_step's group buffers, per worker thread: a shard-like set of buffers for each group size
  // among the shards that worker runs (run_by_worker), reused by every group of that size.
  std::vector<std::vector<Shard>> workspaces;
  std::vector<float*> mask_pointers;  // draw_masks' list of one shard's masks
  bool dropping = false;              // whether the last forward drew dropout masks (trained)
};

// Step t's (rows, F) block of a time-major (T, rows, F) sequence.
inline float* at(Tensor3& seq, std::size_t t) { return seq.data() + t * seq.shape()[1] * seq.shape()[2]; }

// Group j of a shard (FastBase::train_step): its rows (consecutive, in order), and the workspace's
// buffers of that size.
inline std::size_t group_rows(const Shard& shard, std::size_t j) {
  return shard.rows * (j + 1) / shard.groups - shard.rows * j / shard.groups;
}
inline Shard& group_buffers(const Shard& shard, std::size_t j, std::vector<Shard>& workspace) {
  const std::size_t rows = group_rows(shard, j);
  Shard& group = *std::find_if(workspace.begin(), workspace.end(), [&](const Shard& w) { return w.rows == rows; });
  group.row0 = shard.row0 + shard.rows * j / shard.groups;
  return group;
}

// A group's gradient into its shard's: the first copied, the next ones added in row order.
inline void add_group_gradient(const Shard& group, bool first, Shard& shard) {
  for (std::size_t p = 0; p < shard.grads.size(); ++p) {
    const float* part = group.grads[p].data();
    float* sum = shard.grads[p].data();
    if (first)
      std::copy_n(part, shard.grads[p].size(), sum);
    else
      for (std::size_t k = 0; k < shard.grads[p].size(); ++k) sum[k] += part[k];
  }
}

// Every parameter's gradient from its shards' (shards[s].grads[p]), in an order fixed by the batch size
// alone (seqlab/parallel.hpp): each reduction block's shards added into its first, then the blocks added
// in block order. A block trained as a batch of its own gives its part of this sum bit for bit.
inline void sum_shard_gradients(std::vector<Shard>& shards, std::vector<Parameter>& parameters) {
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const std::size_t n = parameters[p].size();
    for (std::size_t s = 1; s < shards.size(); ++s) {
      if (shards[s].block != shards[s - 1].block) continue;
      float* block_sum = shards[s - 1].grads[p].data();  // a block has at most two shards
      const float* part = shards[s].grads[p].data();
      for (std::size_t k = 0; k < n; ++k) block_sum[k] += part[k];
    }
    float* grad = parameters[p].grad.data();
    std::copy_n(shards[0].grads[p].data(), n, grad);
    for (std::size_t s = 1; s < shards.size(); ++s) {
      if (shards[s].block == shards[s - 1].block) continue;
      const float* part = shards[s].grads[p].data();
      for (std::size_t k = 0; k < n; ++k) grad[k] += part[k];
    }
  }
}

// Before a forward's shards run: with a Random (training), every boundary's dropout mask, serially, in
// the order recurrent_common.hpp states (the shards hold consecutive rows, in order). Sets cache.dropping.
inline void draw_masks(Random* training, const Sizes& sizes, FastCache& cache) {
  cache.dropping = training && sizes.drops();
  if (!cache.dropping) return;
  for (Shard& sh : cache.shards) {
    cache.mask_pointers.clear();  // reserved in make_shards: no allocation here
    for (Tensor3& m : sh.masks) cache.mask_pointers.push_back(m.data());
    fill_dropout_masks(*training, sizes.dropout, sh.rows, cache.steps, sizes.hidden, cache.mask_pointers);
  }
}

// What layer l reads: the inputs, or the layer below's h (times its mask while dropping).
inline const float* layer_input(Shard& sh, std::size_t l, bool dropping) {
  if (l == 0) return sh.inputs.data();
  return dropping ? sh.dropped[l - 1].data() : sh.hidden[l - 1].data();
}

// After layer l's forward: the next layer's input, h^l * m^l, while dropping.
inline void drop_outputs(const Sizes& sizes, Shard& sh, std::size_t l, std::size_t steps, bool dropping) {
  if (dropping && l + 1 < sizes.layers)
    multiply(sh.hidden[l].data(), sh.masks[l].data(), steps * sh.rows * sizes.hidden, sh.dropped[l].data());
}

// After layer l's dL/dx went into grad_hidden: the mask of the boundary below, while dropping.
inline void drop_gradient(const Sizes& sizes, Shard& sh, std::size_t l, std::size_t steps, bool dropping) {
  if (dropping && l > 0)
    multiply(sh.grad_hidden.data(), sh.masks[l - 1].data(), steps * sh.rows * sizes.hidden, sh.grad_hidden.data());
}

}  // namespace seqlab::recurrent
