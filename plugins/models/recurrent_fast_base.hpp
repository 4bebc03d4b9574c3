// What the fast recurrent kernels share, whatever their cell: shards, SIMD helpers, products, head, dropout.
//
// recurrent_fast.hpp (rnn, lstm) and gru_fast.hpp build on this; the design
// (time-major shards, fused per-row passes, per-step register products) is
// described at the top of recurrent_fast.hpp.
#pragma once

#include <seqlab/register_gemm.hpp>
#include <xsimd/xsimd.hpp>

#include "fast_activations.hpp"
#include "recurrent_common.hpp"

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

// Elementwise maths written once for a SIMD batch and for the scalar tail.
namespace simd {
using Batch = xsimd::batch<float>;
inline constexpr std::size_t kWidth = Batch::size;

inline Batch load(const float* p, Batch) { return Batch::load_unaligned(p); }
inline float load(const float* p, float) { return *p; }
inline void store(float* p, const Batch& v) { v.store_unaligned(p); }
inline void store(float* p, float v) { *p = v; }
// Branch-free and the same on every lane and the tail (fast_activations.hpp).
// Always inlined, as fast::tanh and fast::sigmoid are (a call per vector costs more than either).
template <class V>
[[gnu::always_inline]] inline V tanh(const V& v) {
  return fast::tanh(v);
}
template <class V>
[[gnu::always_inline]] inline V sigmoid(const V& v) {
  return fast::sigmoid(v);
}

// Calls kernel(k, Batch{}) for k = 0, W, 2W, ... while a whole batch fits in
// [0, n), then kernel(k, float{}) for the rest.
template <class Kernel>
inline void for_columns(std::size_t n, Kernel&& kernel) {
  std::size_t k = 0;
  for (; k + kWidth <= n; k += kWidth) kernel(k, Batch{});
  for (; k < n; ++k) kernel(k, 0.0f);
}
}  // namespace simd

// Products on seqlab/register_gemm.hpp's kernel where it applies, else on OpenBLAS;
// each writes C, or adds to it when `accumulate`. All row-major and contiguous.
// c (m x n) = a (m x k) w^T, for w (n x k) and w_t, the same transposed (k x n), which the register kernel reads.
inline void product_nt(const float* a, std::size_t m, std::size_t k, const float* w, const float* w_t, std::size_t n,
                       float* c, bool accumulate) {
  if (register_gemm_nn_fits(k, n))
    register_gemm_nn(a, m, k, w_t, n, c, accumulate);
  else  // with beta = 1 OpenBLAS skips its pass that zeroes the output
    gemm(a, m, k, Transpose::no, w, n, k, Transpose::yes, c, 1.0f, accumulate ? 1.0f : 0.0f);
}
// c (m x n) = a (m x k) w, for w (k x n).
inline void product_nn(const float* a, std::size_t m, std::size_t k, const float* w, std::size_t n, float* c,
                       bool accumulate) {
  if (register_gemm_nn_fits(k, n))
    register_gemm_nn(a, m, k, w, n, c, accumulate);
  else
    gemm(a, m, k, Transpose::no, w, k, n, Transpose::no, c, 1.0f, accumulate ? 1.0f : 0.0f);
}
// c (m x n) = a^T b, for a (rows x m) and b (rows x n).
inline void product_tn(const float* a, std::size_t rows, std::size_t m, const float* b, std::size_t n, float* c,
                       bool accumulate) {
  if (register_gemm_tn_fits(m, n))
    register_gemm_tn(a, rows, m, b, n, c, accumulate);
  else
    gemm(a, rows, m, Transpose::yes, b, rows, n, Transpose::no, c, 1.0f, accumulate ? 1.0f : 0.0f);
}

// out[k] += scale_r * m[r * stride + k] for r = 0 .. rows-1 in order, scale_r = scales[r * scale_stride]
// (1 without scales): each column summed in a register, so out is loaded and stored once per call
// rather than once per row, with the bits of adding the rows one by one.
inline void add_rows_in_order(const float* m, std::size_t rows, std::size_t cols, std::size_t stride,
                              const float* scales, std::size_t scale_stride, float* out) {
  simd::for_columns(cols, [&](std::size_t k, auto zero) {
    using V = decltype(zero);
    V sum = simd::load(out + k, zero);
    for (std::size_t r = 0; r < rows; ++r)
      sum = scales ? sum + V(scales[r * scale_stride]) * simd::load(m + r * stride + k, zero)
                   : sum + simd::load(m + r * stride + k, zero);
    simd::store(out + k, sum);
  });
}

// y (rows x o) = x (rows x width) w^T + bias, for w (o x width): each output one fixed-order sum (SIMD
// lanes over the width, the lanes added in a fixed order, then the bias), so a row's outputs do not
// depend on how many rows come with it. OpenBLAS's do (its edge kernels sum in another order), and
// `seqlab eval --data` must give a file's windows the very predictions the run made for them.
inline void linear_rows(const float* x, std::size_t rows, std::size_t width, const float* w, std::size_t o,
                        const float* bias, float* y) {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < o; ++j) {
      const float *x_r = x + r * width, *w_j = w + j * width;
      simd::Batch lanes(0.0f);
      std::size_t k = 0;
      for (; k + simd::kWidth <= width; k += simd::kWidth)
        lanes = register_gemm_detail::fma(simd::Batch::load_unaligned(x_r + k), simd::Batch::load_unaligned(w_j + k),
                                          lanes);
      float sum = xsimd::hadd(lanes);
      for (; k < width; ++k) sum = std::fma(x_r[k], w_j[k], sum);
      y[r * o + j] = sum + bias[j];
    }
}

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
    draw_masks(cache);
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
    sum_shard_gradients(cache);
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
    sum_shard_gradients(cache);
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

  static float* at(Tensor3& seq, std::size_t t) { return seq.data() + t * seq.shape()[1] * seq.shape()[2]; }
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

  // Group j of a shard: its rows (consecutive, in order), and the workspace's buffers of that size.
  static std::size_t group_rows(const Shard& shard, std::size_t j) {
    return shard.rows * (j + 1) / shard.groups - shard.rows * j / shard.groups;
  }
  static Shard& group_buffers(const Shard& shard, std::size_t j, std::vector<Shard>& workspace) {
    const std::size_t rows = group_rows(shard, j);
    Shard& group = *std::find_if(workspace.begin(), workspace.end(), [&](const Shard& w) { return w.rows == rows; });
    group.row0 = shard.row0 + shard.rows * j / shard.groups;
    return group;
  }

  std::size_t workers() const { return pool_ ? pool_->size() : 1; }

  // A group's gradient into its shard's: the first copied, the next ones added in row order.
  static void add_group_gradient(const Shard& group, bool first, Shard& shard) {
    for (std::size_t p = 0; p < shard.grads.size(); ++p) {
      const float* part = group.grads[p].data();
      float* sum = shard.grads[p].data();
      if (first)
        std::copy_n(part, shard.grads[p].size(), sum);
      else
        for (std::size_t k = 0; k < shard.grads[p].size(); ++k) sum[k] += part[k];
    }
  }

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

  // Before a forward's shards run: in training mode, every boundary's dropout mask, serially,
  // in the order recurrent_common.hpp states (the shards hold consecutive rows, in order).
  void draw_masks(FastCache& cache) const {
    cache.dropping = training_ && sizes_.drops();
    if (!cache.dropping) return;
    for (Shard& sh : cache.shards) {
      cache.mask_pointers.clear();  // reserved in make_shards: no allocation here
      for (Tensor3& m : sh.masks) cache.mask_pointers.push_back(m.data());
      fill_dropout_masks(*training_, sizes_.dropout, sh.rows, cache.steps, sizes_.hidden, cache.mask_pointers);
    }
  }

  // What layer l reads: the inputs, or the layer below's h (times its mask while dropping).
  static const float* layer_input(Shard& sh, std::size_t l, bool dropping) {
    if (l == 0) return sh.inputs.data();
    return dropping ? sh.dropped[l - 1].data() : sh.hidden[l - 1].data();
  }

  // After layer l's forward: the next layer's input, h^l * m^l, while dropping.
  void drop_outputs(Shard& sh, std::size_t l, std::size_t steps, bool dropping) const {
    if (dropping && l + 1 < sizes_.layers)
      multiply(sh.hidden[l].data(), sh.masks[l].data(), steps * sh.rows * sizes_.hidden, sh.dropped[l].data());
  }

  // After layer l's dL/dx went into grad_hidden: the mask of the boundary below, while dropping.
  void drop_gradient(Shard& sh, std::size_t l, std::size_t steps, bool dropping) const {
    if (dropping && l > 0)
      multiply(sh.grad_hidden.data(), sh.masks[l - 1].data(), steps * sh.rows * sizes_.hidden, sh.grad_hidden.data());
  }

  // Every parameter's gradient, in an order fixed by the batch size alone (seqlab/parallel.hpp):
  // each reduction block's shards added into its first, then the blocks added in block order.
  // A block trained as a batch of its own gives its part of this sum bit for bit.
  void sum_shard_gradients(FastCache& cache) {
    std::vector<Shard>& shards = cache.shards;
    for (std::size_t p = 0; p < parameters_.size(); ++p) {
      const std::size_t n = parameters_[p].size();
      for (std::size_t s = 1; s < shards.size(); ++s) {
        if (shards[s].block != shards[s - 1].block) continue;
        float* block_sum = shards[s - 1].grads[p].data();  // a block has at most two shards
        const float* part = shards[s].grads[p].data();
        for (std::size_t k = 0; k < n; ++k) block_sum[k] += part[k];
      }
      float* grad = parameters_[p].grad.data();
      std::copy_n(shards[0].grads[p].data(), n, grad);
      for (std::size_t s = 1; s < shards.size(); ++s) {
        if (shards[s].block == shards[s - 1].block) continue;
        const float* part = shards[s].grads[p].data();
        for (std::size_t k = 0; k < n; ++k) grad[k] += part[k];
      }
    }
  }

  void forward_head(std::size_t steps, Shard& sh, Tensor3& outputs) const {
    const std::size_t b = sh.rows, h = sizes_.hidden, o = sizes_.output;
    const float* w = parameters_[fc_weight_index(sizes_)].value.data();
    const float* bias = parameters_[fc_bias_index(sizes_)].value.data();
    if (sizes_.head == Head::last) {
      float* y = outputs.data() + sh.row0 * o;  // (b, 1, O): this shard's rows
      linear_rows(at(sh.hidden.back(), steps - 1), b, h, w, o, bias, y);
    } else {
      linear_rows(sh.hidden.back().data(), steps * b, h, w, o, bias, sh.head.data());
      to_batch_major(sh.head.data(), b, steps, o, outputs.data() + sh.row0 * steps * o);
    }
  }

  // The head's gradients into the shard's grads, and dL/dh of the top layer into
  // grad_hidden. Returns the first step whose dL/dh it set (earlier ones are zero).
  std::size_t backward_head(std::size_t steps, Shard& sh, const Tensor3& grad_outputs) const {
    const std::size_t b = sh.rows, h = sizes_.hidden, o = sizes_.output;
    const float* w = parameters_[fc_weight_index(sizes_)].value.data();
    float* dw = sh.grads[fc_weight_index(sizes_)].data();
    float* db = sh.grads[fc_bias_index(sizes_)].data();
    const bool last = sizes_.head == Head::last;
    const std::size_t rows = last ? b : steps * b;
    const float* top = last ? at(sh.hidden.back(), steps - 1) : sh.hidden.back().data();
    const float* dy = grad_outputs.data() + sh.row0 * o;  // last: (b, 1, O), this shard's rows
    if (!last) {
      to_time_major(grad_outputs.data() + sh.row0 * steps * o, b, steps, o, sh.head.data());
      dy = sh.head.data();
    }
    gemm(dy, rows, o, Transpose::yes, top, rows, h, Transpose::no, dw);
    std::fill_n(sh.sums.begin(), o, 0.0);
    accumulate_step_sums(dy, rows, o, sh.sums.data(), sh.step_sums.data());
    for (std::size_t k = 0; k < o; ++k) db[k] = static_cast<float>(sh.sums[k]);
    gemm(dy, rows, o, Transpose::no, w, o, h, Transpose::no,
         last ? at(sh.grad_hidden, steps - 1) : sh.grad_hidden.data());
    return last ? steps - 1 : 0;
  }

  // sums[k] += sum over rows of m[r][k]: each step in float (few rows), steps
  // added in double, so a sum over T*B rows keeps its digits.
  static void accumulate_step_sums(const float* m, std::size_t rows, std::size_t cols, double* sums, float* step) {
    std::fill_n(step, cols, 0.0f);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = m + r * cols;
      for (std::size_t k = 0; k < cols; ++k) step[k] += row[k];
    }
    for (std::size_t k = 0; k < cols; ++k) sums[k] += step[k];
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

// The memory plan's share of dropout: per sequence and step, a mask and a dropped copy of h
// at every boundary, when the settings drop anything.
inline double dropout_bytes_per_sequence_step(const PlanArgs& args) {
  const double layers = static_cast<double>(args.params.integer("num_layers"));
  if (args.params.real("dropout") <= 0 || layers < 2) return 0;
  return 2 * sizeof(float) * (layers - 1) * static_cast<double>(args.params.integer("hidden_size"));
}

// The memory plan (seqlab/memory.hpp) of the implementation `kernel` selects, counted from what the
// constructors and make_cache() here, in recurrent_fast.hpp, gru_fast.hpp and recurrent_reference.hpp allocate.
// gates: weight blocks per layer; state_width: the fast cell's per-layer state in units of H;
// reference_state: the reference cell's (the LSTM keeps c and tanh(c): 2); split_recurrent: the
// reference keeps the recurrent part apart (the GRU). A GRU shard's (rows, G) step scratch is left
// out: it is under 1/T of its activations.
inline ModelPlan plan_memory(const PlanArgs& args, std::size_t gates, double state_width, double reference_state,
                             bool split_recurrent) {
  const double input = static_cast<double>(args.shape.input_size), output = static_cast<double>(args.shape.output_size);
  const double h = static_cast<double>(args.params.integer("hidden_size"));
  const double layers = static_cast<double>(args.params.integer("num_layers"));
  const double g = static_cast<double>(gates) * h;
  const std::string& head = args.params.text("head");
  const double sequence_head = head == "sequence" || (head == "auto" && args.shape.target_steps != 1) ? 1 : 0;
  const double f = sizeof(float);
  ModelPlan plan;
  double layer_inputs = 0;  // sum over layers of each layer's input width
  for (double l = 0; l < layers; ++l) layer_inputs += l == 0 ? input : h;
  plan.parameters = g * layer_inputs + layers * (g * h + 2 * g) + output * h + output;
  if (args.params.text("kernel") == "reference") {
    const double split = split_recurrent ? 1 : 0;  // r_t per layer, and its gradient
    plan.fixed_bytes = 2 * f * plan.parameters;    // values and gradients
    plan.cache_bytes = sizeof(double) * std::max(g, output);
    plan.bytes_per_sequence_step =
        f * (input + layers * (g + h + reference_state * h + split * g) + sequence_head * output + g + h + split * g) +
        dropout_bytes_per_sequence_step(args);
    return plan;
  }
  // Values, gradients, and per layer the summed bias, W_ih^T and W_hh^T; rnn and lstm (not split_recurrent)
  // also keep W_ih and W_hh in their kernels' gate order (recurrent_fast.hpp).
  const double gate_order_copies = split_recurrent ? 0 : 1;
  plan.fixed_bytes =
      f * (2 * plan.parameters + layers * g + (1 + gate_order_copies) * (g * layer_inputs + layers * h * g));
  // Up to two shards per reduction block (of up to kReductionRows sequences), each with a gradient of every
  // parameter and its sums, and the transposed input weight gradient of the widest layer input that goes
  // through per-step products: two shards' worth per cache, and the rest spread over the sequences.
  const double widest_fold = input <= kFoldedInputWidth ? input * g : 0;
  double widest_step_input = 0;
  for (double l = 0; l < layers; ++l) {
    const double in = l == 0 ? input : h;
    if (in > kFoldedInputWidth && register_gemm_tn_fits(static_cast<std::size_t>(in), static_cast<std::size_t>(g)))
      widest_step_input = std::max(widest_step_input, in * g);
  }
  // Shard::permuted_grad: rnn and lstm keep a weight gradient in the gate order there (G x the widest layer
  // input or H), the gru its dW_hh^T (H x G).
  const double weight_grad_scratch = split_recurrent ? g * h : g * std::max(h, input);
  const double shard_bytes = f * plan.parameters + (sizeof(double) + f) * std::max(g + h + widest_fold, output) +
                             f * widest_step_input + f * weight_grad_scratch;
  const double steps = static_cast<double>(std::max<std::size_t>(1, args.shape.steps));
  const double per_sequence_step =
      f * activation_floats_per_step(input, h, layers, g, state_width, sequence_head * output);
  // train_step's group buffers, per worker thread: the activations of a group of each size its shards
  // have (two, or a few more when shards differ by a row), each about kGroupBytes (more when
  // kMinGroupRows sequences take more), with their own gradients and sums.
  const double group_bytes = std::max(static_cast<double>(kGroupBytes), kMinGroupRows * steps * per_sequence_step);
  const double workspaces =
      2 * static_cast<double>(std::max<std::size_t>(1, args.threads)) * (group_bytes + shard_bytes);
  const double shards_per_sequence_step = 2 * shard_bytes / (static_cast<double>(kReductionRows) * steps);
  plan.cache_bytes = 2 * shard_bytes + workspaces;
  plan.bytes_per_sequence_step = per_sequence_step + dropout_bytes_per_sequence_step(args) + shards_per_sequence_step;
  // Trained in one pass (not with dropout, which train_step declines), a shard's activations are never
  // allocated unless it is a single group (of about kGroupBytes at most; every shard is one where the
  // recurrent product is OpenBLAS's: FastBase::group_count).
  const bool groups = register_gemm_nn_fits(static_cast<std::size_t>(h), static_cast<std::size_t>(g));
  if (dropout_bytes_per_sequence_step(args) == 0 && groups)
    plan.one_pass_bytes_per_sequence_step = shards_per_sequence_step;
  return plan;
}

}  // namespace seqlab::recurrent
