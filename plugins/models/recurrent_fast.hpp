// The fast implementation of the recurrent models: fused elementwise passes, batch-parallel shards.
//
// Same network and parameters as recurrent_reference.hpp (which the tests hold
// it to), computed with less memory traffic:
//  - The batch is split into shards of whole sequences, one per thread of the
//    run's pool; each shard runs every layer and step on its own rows with
//    single-threaded BLAS, so threads never wait on each other inside an epoch.
//    Shard gradients are summed in shard order: results depend on the thread
//    count, never on scheduling.
//  - Per step, one GEMM gives all gates' recurrent part (B, G); one fused pass
//    per row then adds the biases and the input part, applies the cell's
//    activations and writes the cell's outputs. When the layer's input is
//    narrow (the sine data has one feature) its part is folded into that pass,
//    where it costs I multiply-adds per gate instead of a memory-bound GEMM with
//    K = I. A wider input gets its own product per step on the register kernel
//    (below), into the step's gates while they are in cache; where that kernel
//    does not apply, one OpenBLAS GEMM over all steps.
//  - Backward overwrites each step's activated gates with dL/da in place (they
//    are dead once used), sums the bias gradients (and a narrow input's weight
//    gradient) in the same pass, and adds dW_hh in products over a few steps
//    at a time while their dL/da is still in cache, and a wider input's dW_ih
//    step by step (on the register kernel; else one OpenBLAS GEMM over all steps).
//  - The per-step products (h_{t-1} W_hh^T, x_t W_ih^T, da_t W_hh, and the
//    chunks of dW_hh, x_t^T da_t) run on seqlab/register_gemm.hpp's kernel where
//    it applies (512-bit SIMD, widths a multiple of the vector) and on OpenBLAS
//    otherwise. For the input that matters from a few features up: on an LSTM
//    with hidden 64, batches of 64 and 48 steps, one GEMM over all steps for a
//    16- or 20-feature input wrote and re-read 3 MB of gates per batch (zeroed
//    first) and its dW_ih re-packed all of dL/da; epochs at 16 features took
//    28% longer than at 8, and per step 5% (tools/bench's input-width check).
//  - Everything lives in the cache, sized once per batch shape: no allocation
//    per call.
#pragma once

#include <seqlab/register_gemm.hpp>
#include <xsimd/xsimd.hpp>

#include "recurrent_common.hpp"

namespace seqlab::recurrent {

// Inputs at most this wide are folded into the elementwise pass (see above).
inline constexpr std::size_t kFoldedInputWidth = 8;
// Backward adds the steps' share of dW_hh in GEMMs of about this many rows
// (sequences x steps): enough for an efficient GEMM, few enough that their
// dL/da is still in L2. At the seed size (1000 sequences, hidden 32), per LSTM
// epoch: with OpenBLAS one GEMM over all steps measured 10.8 ms per backward,
// 2048-row chunks 9.2 ms; with the register kernel, whole epochs took 14.5 ms
// with one product over all steps and 9.8-10.3 ms with chunks of 1000 to 4096 rows.
inline constexpr std::size_t kWeightGradRows = 2048;
// A shard gets at least this many sequences: below it the threads' hand-off
// costs more than the work it spreads.
inline constexpr std::size_t kMinShardRows = 32;

// Elementwise maths written once for a SIMD batch and for the scalar tail.
namespace simd {
using Batch = xsimd::batch<float>;
inline constexpr std::size_t kWidth = Batch::size;

inline Batch load(const float* p, Batch) { return Batch::load_unaligned(p); }
inline float load(const float* p, float) { return *p; }
inline void store(float* p, const Batch& v) { v.store_unaligned(p); }
inline void store(float* p, float v) { *p = v; }
inline Batch tanh(const Batch& v) { return xsimd::tanh(v); }
inline float tanh(float v) { return std::tanh(v); }
inline Batch exp(const Batch& v) { return xsimd::exp(v); }
inline float exp(float v) { return std::exp(v); }
template <class V>
V sigmoid(const V& v) {
  return V(1.0f) / (V(1.0f) + exp(-v));
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

// One shard's activations and scratch, all time-major (T, rows, F).
struct Shard {
  std::size_t row0 = 0, rows = 0;  // the batch rows [row0, row0 + rows)
  Tensor3 inputs;                  // (T, rows, I)
  std::vector<Tensor3> gates;      // per layer (T, rows, G): activated gates after forward, dL/da after backward
  std::vector<Tensor3> hidden;     // per layer (T, rows, H): h_t
  std::vector<Tensor3> state;      // per layer (T, rows, kStateWidth * H): a cell's state; empty without one
  Tensor3 grad_hidden;             // (T, rows, H): dL/dh_t of the layer being differentiated
  Tensor2 grad_state;              // (rows, H): dL/dc carried from step t+1 to t
  Tensor3 head;                    // (T, rows, O): sequence head outputs, then their gradients
  std::vector<Tensor1> grads;      // per parameter: this shard's share of the gradient
  std::vector<double> sums;        // double accumulators: bias gradient (G), then a folded input's weight gradient
                                   // (in x G); or the head's bias gradient (O)
  Tensor1 step_sums;               // the same sums for one step, in float
  Tensor1 input_grad_t;            // (in x G): dW_ih^T of a layer whose input goes through per-step products
};

struct FastCache : ModelCache {
  std::size_t batch = 0, steps = 0;
  std::vector<Shard> shards;
};

// Cell: the per-row elementwise kernels of one recurrent cell, e.g.
//   struct LstmCell {
//     static constexpr std::size_t kGates = 4;
//     static constexpr std::size_t kStateWidth = 2;  // per row, in units of H: here c_t, then tanh(c_t)
//     // a: the row's G pre-activations, in: activated gates out; c, c_prev: the row's state
//     // (kStateWidth * H floats) at t and t-1, c_prev null at t = 0
//     static void forward_row(std::size_t H, float* a, const float* c_prev, float* c, float* h);
//     // a: activated gates in, dL/da out; dh: dL/dh_t; dc: carried dL/dc (in: from t+1, zero
//     // when `last`; out: to t-1); h: h_t; c, c_prev as in forward
//     static void backward_row(std::size_t H, float* a, const float* dh, float* dc, bool last,
//                              const float* h, const float* c, const float* c_prev);
//   };
template <class Cell>
class FastModel : public Model {
 public:
  FastModel(const PluginArgs& args, const std::string& prefix)
      : sizes_(read_sizes(args, Cell::kGates)),
        parameters_(make_parameters(sizes_, prefix, args.random)),
        pool_(args.pool) {
    const std::size_t g = sizes_.gate_width();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      bias_.push_back(Tensor1::from_shape({g}));
      input_weights_t_.push_back(Tensor1::from_shape({g * sizes_.layer_input(l)}));
      recurrent_weights_t_.push_back(Tensor1::from_shape({sizes_.hidden * g}));
    }
  }

  std::vector<Parameter>& parameters() override { return parameters_; }

  std::size_t output_steps(std::size_t steps) const override { return sizes_.head == Head::last ? 1 : steps; }

  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    if (batch == 0 || steps == 0) throw std::logic_error("recurrent model: a cache needs batch >= 1 and steps >= 1");
    auto cache = std::make_unique<FastCache>();
    cache->batch = batch;
    cache->steps = steps;
    const std::size_t threads = pool_ ? pool_->size() : 1;
    const std::size_t count = std::max<std::size_t>(1, std::min(threads, batch / kMinShardRows));
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    for (std::size_t s = 0; s < count; ++s) {
      Shard shard;
      shard.row0 = batch * s / count;
      shard.rows = batch * (s + 1) / count - shard.row0;
      const std::size_t rows = shard.rows;
      shard.inputs = Tensor3::from_shape({steps, rows, sizes_.input});
      for (std::size_t l = 0; l < sizes_.layers; ++l) {
        shard.gates.push_back(Tensor3::from_shape({steps, rows, g}));
        shard.hidden.push_back(Tensor3::from_shape({steps, rows, h}));
        if (Cell::kStateWidth > 0) shard.state.push_back(Tensor3::from_shape({steps, rows, Cell::kStateWidth * h}));
      }
      shard.grad_hidden = Tensor3::from_shape({steps, rows, h});
      shard.grad_state = Tensor2::from_shape({rows, h});
      if (sizes_.head == Head::sequence) shard.head = Tensor3::from_shape({steps, rows, sizes_.output});
      for (const Parameter& p : parameters_) shard.grads.push_back(Tensor1::from_shape({p.size()}));
      std::size_t widest_fold = 0;
      for (std::size_t l = 0; l < sizes_.layers; ++l)
        if (folds_input(l)) widest_fold = std::max(widest_fold, sizes_.layer_input(l) * g);
      const std::size_t sums = std::max(g + widest_fold, sizes_.output);
      shard.sums.resize(sums);
      shard.step_sums = Tensor1::from_shape({sums});
      std::size_t widest_step_input = 0;
      for (std::size_t l = 0; l < sizes_.layers; ++l)
        if (input_per_step(l)) widest_step_input = std::max(widest_step_input, sizes_.layer_input(l) * g);
      shard.input_grad_t = Tensor1::from_shape({widest_step_input});
      cache->shards.push_back(std::move(shard));
    }
    return cache;
  }

  void forward(const Tensor3& inputs, ModelCache& cache_base, Tensor3& outputs) override {
    FastCache& cache = checked_cache(cache_base, inputs);
    const std::array<std::size_t, 3> shape{cache.batch, output_steps(cache.steps), sizes_.output};
    if (outputs.shape() != shape) outputs.resize(shape);
    prepare_weights();
    run_shards(cache, [&](Shard& shard) { forward_shard(inputs, cache.steps, shard, outputs); });
  }

  // Consumes the cache's activations: call forward again before another backward.
  void backward(const Tensor3& inputs, ModelCache& cache_base, const Tensor3& grad_outputs) override {
    FastCache& cache = checked_cache(cache_base, inputs);
    const std::array<std::size_t, 3> expected{cache.batch, output_steps(cache.steps), sizes_.output};
    if (grad_outputs.shape() != expected)
      throw std::logic_error("recurrent model: grad_outputs do not have the outputs' shape");
    run_shards(cache, [&](Shard& shard) { backward_shard(cache.steps, shard, grad_outputs); });
    // Shard order, not completion order: the sum is the same every run.
    for (std::size_t p = 0; p < parameters_.size(); ++p) {
      float* grad = parameters_[p].grad.data();
      const std::size_t n = parameters_[p].size();
      std::copy_n(cache.shards[0].grads[p].data(), n, grad);
      for (std::size_t s = 1; s < cache.shards.size(); ++s) {
        const float* part = cache.shards[s].grads[p].data();
        for (std::size_t k = 0; k < n; ++k) grad[k] += part[k];
      }
    }
  }

 private:
  static float* at(Tensor3& seq, std::size_t t) { return seq.data() + t * seq.shape()[1] * seq.shape()[2]; }
  bool folds_input(std::size_t layer) const { return sizes_.layer_input(layer) <= kFoldedInputWidth; }
  // A wider input's part through the register kernel, a step at a time (forward, and dW_ih in backward).
  bool input_per_step(std::size_t layer) const {
    return !folds_input(layer) && register_gemm_tn_fits(sizes_.layer_input(layer), sizes_.gate_width());
  }

  template <class Work>
  void run_shards(FastCache& cache, Work&& work) {
    if (pool_ && cache.shards.size() > 1)
      pool_->run(cache.shards.size(), [&](std::size_t s) { work(cache.shards[s]); });
    else
      for (Shard& shard : cache.shards) work(shard);
  }

  // Per forward, shared by all shards: b_ih + b_hh; W_hh transposed (H x G) for
  // the register kernel; and W_ih transposed (in x G) for layers whose input is
  // folded, so that the fold reads G-contiguous rows, or goes through the register kernel.
  void prepare_weights() {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const float* b_ih = parameters_[bias_ih_index(l)].value.data();
      const float* b_hh = parameters_[bias_hh_index(l)].value.data();
      for (std::size_t k = 0; k < g; ++k) bias_[l][k] = b_ih[k] + b_hh[k];
      if (register_gemm_fits(g)) {
        const float* w_hh = parameters_[weight_hh_index(l)].value.data();
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t j = 0; j < h; ++j) recurrent_weights_t_[l][j * g + k] = w_hh[k * h + j];
      }
      if (!folds_input(l) && !input_per_step(l)) continue;
      const std::size_t in = sizes_.layer_input(l);
      const float* w = parameters_[weight_ih_index(l)].value.data();
      for (std::size_t k = 0; k < g; ++k)
        for (std::size_t i = 0; i < in; ++i) input_weights_t_[l][i * g + k] = w[k * in + i];
    }
  }

  void forward_shard(const Tensor3& inputs, std::size_t steps, Shard& sh, Tensor3& outputs) const {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, sw = Cell::kStateWidth * h;
    to_time_major(inputs.data() + sh.row0 * steps * sizes_.input, b, steps, sizes_.input, sh.inputs.data());
    const float* x = sh.inputs.data();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      if (!fold && !per_step)  // the input part of every step in one GEMM: (T*b, in) x W_ih^T
        gemm(x, steps * b, in, Transpose::no, parameters_[weight_ih_index(l)].value.data(), g, in, Transpose::yes,
             sh.gates[l].data());
      for (std::size_t t = 0; t < steps; ++t) {
        float* a = at(sh.gates[l], t);
        // Input part and biases first, so that the recurrent GEMM adds to them:
        // with beta = 1 OpenBLAS skips its pass that zeroes the output.
        const float* x_t = x + t * b * in;
        if (per_step) register_gemm_nn(x_t, b, in, input_weights_t_[l].data(), g, a, false);
        for (std::size_t r = 0; r < b; ++r)
          add_bias_and_folded_input(l, a + r * g, !fold, fold ? x_t + r * in : nullptr);
        if (t > 0) add_recurrent_part(l, at(sh.hidden[l], t - 1), b, a);
        float* c = Cell::kStateWidth > 0 ? at(sh.state[l], t) : nullptr;
        const float* c_prev = Cell::kStateWidth > 0 && t > 0 ? at(sh.state[l], t - 1) : nullptr;
        float* h_t = at(sh.hidden[l], t);
        for (std::size_t r = 0; r < b; ++r)
          Cell::forward_row(h, a + r * g, c_prev ? c_prev + r * sw : nullptr, c ? c + r * sw : nullptr, h_t + r * h);
      }
      x = sh.hidden[l].data();
    }
    forward_head(steps, sh, outputs);
  }

  // a = (a_has_values ? a : 0) + b_ih + b_hh + (x ? x W_ih^T : 0), vectorised over the G gate columns.
  // a_has_values: a already holds the input part (from the wide-input GEMM).
  void add_bias_and_folded_input(std::size_t l, float* a, bool a_has_values, const float* x) const {
    const std::size_t g = sizes_.gate_width(), in = sizes_.layer_input(l);
    const float* bias = bias_[l].data();
    const float* w_t = input_weights_t_[l].data();
    simd::for_columns(g, [&](std::size_t k, auto zero) {
      using V = decltype(zero);
      V v = simd::load(bias + k, zero);
      if (a_has_values) v = v + simd::load(a + k, zero);
      if (x)
        for (std::size_t i = 0; i < in; ++i) v = v + V(x[i]) * simd::load(w_t + i * g + k, zero);
      simd::store(a + k, v);
    });
  }

  void forward_head(std::size_t steps, Shard& sh, Tensor3& outputs) const {
    const std::size_t b = sh.rows, h = sizes_.hidden, o = sizes_.output;
    const float* w = parameters_[fc_weight_index(sizes_)].value.data();
    const float* bias = parameters_[fc_bias_index(sizes_)].value.data();
    if (sizes_.head == Head::last) {
      float* y = outputs.data() + sh.row0 * o;  // (b, 1, O): this shard's rows
      gemm(at(sh.hidden.back(), steps - 1), b, h, Transpose::no, w, o, h, Transpose::yes, y);
      add_rows(y, b, o, bias);
    } else {
      gemm(sh.hidden.back().data(), steps * b, h, Transpose::no, w, o, h, Transpose::yes, sh.head.data());
      add_rows(sh.head.data(), steps * b, o, bias);
      to_batch_major(sh.head.data(), b, steps, o, outputs.data() + sh.row0 * steps * o);
    }
  }

  void backward_shard(std::size_t steps, Shard& sh, const Tensor3& grad_outputs) const {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, sw = Cell::kStateWidth * h;
    // Steps whose dL/dh from above is known: all of them, except under a last-step head.
    const std::size_t first_given = backward_head(steps, sh, grad_outputs);
    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      const float* x = l == 0 ? sh.inputs.data() : sh.hidden[l - 1].data();
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      const std::size_t given_from = l + 1 == sizes_.layers ? first_given : 0;
      std::fill(sh.sums.begin(), sh.sums.end(), 0.0);  // (1 + folded in) x G: bias, then input weight sums
      float* dw_hh = sh.grads[weight_hh_index(l)].data();
      std::size_t unsummed_top = steps - 1;  // dW_hh has the steps above this one
      const std::size_t chunk_steps = std::max<std::size_t>(1, kWeightGradRows / b);
      for (std::size_t t = steps; t-- > 0;) {
        float* dh = at(sh.grad_hidden, t);
        if (t + 1 < steps)  // dh_t += da_{t+1} W_hh  (or = when nothing came from above)
          add_recurrent_gradient(w_hh, at(sh.gates[l], t + 1), b, dh, t >= given_from);
        else if (t < given_from)
          std::fill_n(dh, b * h, 0.0f);
        float* a = at(sh.gates[l], t);
        const float* h_t = at(sh.hidden[l], t);
        const float* c = Cell::kStateWidth > 0 ? at(sh.state[l], t) : nullptr;
        const float* c_prev = Cell::kStateWidth > 0 && t > 0 ? at(sh.state[l], t - 1) : nullptr;
        // Per row, while its dL/da is in L1: the cell's backward, then its share
        // of the bias (and folded input weight) gradients, summed in float per step.
        float* step = sh.step_sums.data();
        const std::size_t summed = fold ? (1 + in) * g : g;
        std::fill_n(step, summed, 0.0f);
        for (std::size_t r = 0; r < b; ++r) {
          float* da_r = a + r * g;
          Cell::backward_row(h, da_r, dh + r * h, sh.grad_state.data() + r * h, t + 1 == steps, h_t + r * h,
                             c ? c + r * sw : nullptr, c_prev ? c_prev + r * sw : nullptr);
          add_row(da_r, g, 1.0f, step);
          if (fold)
            for (std::size_t i = 0; i < in; ++i) add_row(da_r, g, x[(t * b + r) * in + i], step + (1 + i) * g);
        }
        // Steps are added in double, so a sum over T*B rows keeps its digits.
        for (std::size_t k = 0; k < summed; ++k) sh.sums[k] += step[k];
        // dW_hh += da_t^T h_{t-1}, a few steps per GEMM while their da is still in cache
        // (da and h of consecutive steps are contiguous, time-major).
        if (t >= 1 && (unsummed_top - t + 1 == chunk_steps || t == 1)) {
          const std::size_t rows = (unsummed_top - t + 1) * b;
          add_weight_gradient(a, at(sh.hidden[l], t - 1), rows, dw_hh, unsummed_top != steps - 1);
          unsummed_top = t - 1;
        }
        // dW_ih^T += x_t^T da_t, while da_t is still in cache.
        if (per_step) register_gemm_tn(x + t * b * in, b, in, a, g, sh.input_grad_t.data(), t + 1 < steps);
      }
      if (steps == 1) std::fill_n(dw_hh, g * h, 0.0f);  // no step has an h_{t-1}
      const float* da = sh.gates[l].data();
      std::vector<Tensor1>& grads = sh.grads;
      float* dw_ih = grads[weight_ih_index(l)].data();
      if (fold) {
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t i = 0; i < in; ++i) dw_ih[k * in + i] = static_cast<float>(sh.sums[(1 + i) * g + k]);
      } else if (per_step) {
        const float* dw_t = sh.input_grad_t.data();
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t i = 0; i < in; ++i) dw_ih[k * in + i] = dw_t[i * g + k];
      } else {
        gemm(da, steps * b, g, Transpose::yes, x, steps * b, in, Transpose::no, dw_ih);
      }
      for (std::size_t k = 0; k < g; ++k)
        grads[bias_ih_index(l)][k] = grads[bias_hh_index(l)][k] = static_cast<float>(sh.sums[k]);
      if (l > 0)  // dL/dx = da W_ih is layer l-1's dL/dh from above, for every step
        gemm(da, steps * b, g, Transpose::no, parameters_[weight_ih_index(l)].value.data(), g, in, Transpose::no,
             sh.grad_hidden.data());
    }
  }

  // a (b x G) += h_prev (b x H) W_hh^T
  void add_recurrent_part(std::size_t l, const float* h_prev, std::size_t b, float* a) const {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    if (register_gemm_fits(g))
      register_gemm_nn(h_prev, b, h, recurrent_weights_t_[l].data(), g, a, true);
    else  // with beta = 1 OpenBLAS skips its pass that zeroes the output
      gemm(h_prev, b, h, Transpose::no, parameters_[weight_hh_index(l)].value.data(), g, h, Transpose::yes, a, 1.0f,
           1.0f);
  }

  // dh (b x H) = da (b x G) W_hh, plus dh's old values when `accumulate`
  void add_recurrent_gradient(const float* w_hh, const float* da, std::size_t b, float* dh, bool accumulate) const {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    if (register_gemm_fits(h))
      register_gemm_nn(da, b, g, w_hh, h, dh, accumulate);
    else
      gemm(da, b, g, Transpose::no, w_hh, g, h, Transpose::no, dh, 1.0f, accumulate ? 1.0f : 0.0f);
  }

  // dw_hh (G x H) = da^T (rows x G) h_prev (rows x H), plus dw_hh's old values when `accumulate`
  void add_weight_gradient(const float* da, const float* h_prev, std::size_t rows, float* dw_hh,
                           bool accumulate) const {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    if (register_gemm_tn_fits(g, h))
      register_gemm_tn(da, rows, g, h_prev, h, dw_hh, accumulate);
    else
      gemm(da, rows, g, Transpose::yes, h_prev, rows, h, Transpose::no, dw_hh, 1.0f, accumulate ? 1.0f : 0.0f);
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

  // out[k] += scale * row[k]
  static void add_row(const float* row, std::size_t n, float scale, float* out) {
    simd::for_columns(n, [&](std::size_t k, auto zero) {
      using V = decltype(zero);
      simd::store(out + k, simd::load(out + k, zero) + V(scale) * simd::load(row + k, zero));
    });
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
  std::vector<Parameter> parameters_;
  ThreadPool* pool_;
  std::vector<Tensor1> bias_;                 // per layer (G): b_ih + b_hh
  std::vector<Tensor1> input_weights_t_;      // per layer (in x G): W_ih^T, for folded inputs
  std::vector<Tensor1> recurrent_weights_t_;  // per layer (H x G): W_hh^T, for the register kernel
};

// The implementation the `kernel` parameter asks for: this file's (fast), or
// Reference, the plain oracle from recurrent_reference.hpp.
template <class Cell, class Reference>
std::unique_ptr<Model> make_implementation(const PluginArgs& args, const std::string& prefix) {
  if (args.params.text("kernel") == "reference") return std::make_unique<Reference>(args);
  return std::make_unique<FastModel<Cell>>(args, prefix);
}

// The memory plan (seqlab/memory.hpp) of the implementation `kernel` selects, counted from what the
// constructors and make_cache() above and in recurrent_reference.hpp allocate. `reference_state` is the
// reference cell's extra per-layer state in units of H (the LSTM keeps c and tanh(c): 2).
template <class Cell>
ModelPlan plan_memory(const PlanArgs& args, double reference_state) {
  const double input = static_cast<double>(args.shape.input_size), output = static_cast<double>(args.shape.output_size);
  const double h = static_cast<double>(args.params.integer("hidden_size"));
  const double layers = static_cast<double>(args.params.integer("num_layers"));
  const double g = static_cast<double>(Cell::kGates) * h;
  const std::string& head = args.params.text("head");
  const double sequence_head = head == "sequence" || (head == "auto" && args.shape.target_steps != 1) ? 1 : 0;
  const double f = sizeof(float);
  ModelPlan plan;
  double layer_inputs = 0;  // sum over layers of each layer's input width
  for (double l = 0; l < layers; ++l) layer_inputs += l == 0 ? input : h;
  plan.parameters = g * layer_inputs + layers * (g * h + 2 * g) + output * h + output;
  if (args.params.text("kernel") == "reference") {
    plan.fixed_bytes = 2 * f * plan.parameters;  // values and gradients
    plan.cache_bytes = sizeof(double) * std::max(g, output);
    plan.bytes_per_sequence_step =
        f * (input + layers * (g + h + reference_state * h) + sequence_head * output + g + h);
    return plan;
  }
  // Values, gradients, and per layer the summed bias, W_ih^T and W_hh^T.
  plan.fixed_bytes = f * (2 * plan.parameters + layers * g + g * layer_inputs + layers * h * g);
  // At most one shard per thread, each with a gradient of every parameter and its sums, and the transposed
  // input weight gradient of the widest layer input that goes through per-step products.
  const double widest_fold = input <= kFoldedInputWidth ? input * g : 0;
  double widest_step_input = 0;
  for (double l = 0; l < layers; ++l) {
    const double in = l == 0 ? input : h;
    if (in > kFoldedInputWidth && register_gemm_tn_fits(static_cast<std::size_t>(in), static_cast<std::size_t>(g)))
      widest_step_input = std::max(widest_step_input, in * g);
  }
  const double threads = static_cast<double>(std::max<std::size_t>(1, args.threads));
  plan.cache_bytes = threads * (f * plan.parameters + (sizeof(double) + f) * std::max(g + widest_fold, output) +
                                f * widest_step_input);
  plan.bytes_per_sequence_step = f * (input + layers * (g + h + Cell::kStateWidth * h) + h + sequence_head * output);
  return plan;
}

}  // namespace seqlab::recurrent
