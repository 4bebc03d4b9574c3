// The fast implementation of the rnn and lstm models: fused elementwise passes, batch-parallel shards.
//
// Same network and parameters as recurrent_reference.hpp (which the tests hold
// it to), computed with less memory traffic:
//  - The batch is split into shards of whole sequences: seqlab/parallel.hpp's
//    reduction blocks (at most 512 rows, fixed by the batch size), halved when
//    of 64 to 255 rows, which the run's pool spreads over its threads; each shard runs every layer and step
//    on its own rows with single-threaded BLAS, so threads never wait on each
//    other inside an epoch. Shard gradients are summed in shard order: results
//    depend neither on the thread count nor on scheduling.
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
//  - Dropout between layers (recurrent_common.hpp): the masks are drawn serially
//    before the shards run; a layer above reads its own copy of h * m, and the
//    dL/dx it hands down is multiplied by m.
// What does not depend on the cell (shards, products, head, dropout) is in
// recurrent_fast_base.hpp, shared with gru_fast.hpp.
#pragma once

#include "recurrent_fast_base.hpp"

namespace seqlab::recurrent {

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
class FastModel : public FastBase {
 public:
  FastModel(const PluginArgs& args, const std::string& prefix) : FastBase(args, prefix, Cell::kGates) {
    const std::size_t g = sizes_.gate_width();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      bias_.push_back(Tensor1::from_shape({g}));
      input_weights_t_.push_back(Tensor1::from_shape({g * sizes_.layer_input(l)}));
      recurrent_weights_t_.push_back(Tensor1::from_shape({sizes_.hidden * g}));
    }
  }

  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    std::unique_ptr<FastCache> cache = make_shards(batch, steps, g);  // sums: the bias
    for (Shard& shard : cache->shards)
      for (std::size_t l = 0; l < sizes_.layers; ++l) {
        shard.gates.push_back(Tensor3::from_shape({steps, shard.rows, g}));
        if (Cell::kStateWidth > 0)
          shard.state.push_back(Tensor3::from_shape({steps, shard.rows, Cell::kStateWidth * h}));
      }
    return cache;
  }

 private:
  // Per forward, shared by all shards: b_ih + b_hh; W_hh transposed (H x G) for
  // the register kernel; and W_ih transposed (in x G) for layers whose input is
  // folded, so that the fold reads G-contiguous rows, or goes through the register kernel.
  void prepare_weights() override {
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

  void forward_shard(const Tensor3& inputs, std::size_t steps, bool dropping, Shard& sh,
                     Tensor3& outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, sw = Cell::kStateWidth * h;
    to_time_major(inputs.data() + sh.row0 * steps * sizes_.input, b, steps, sizes_.input, sh.inputs.data());
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* x = layer_input(sh, l, dropping);
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
        if (t > 0)  // a (b x G) += h_{t-1} (b x H) W_hh^T
          product_nt(at(sh.hidden[l], t - 1), b, h, parameters_[weight_hh_index(l)].value.data(),
                     recurrent_weights_t_[l].data(), g, a, true);
        float* c = Cell::kStateWidth > 0 ? at(sh.state[l], t) : nullptr;
        const float* c_prev = Cell::kStateWidth > 0 && t > 0 ? at(sh.state[l], t - 1) : nullptr;
        float* h_t = at(sh.hidden[l], t);
        for (std::size_t r = 0; r < b; ++r)
          Cell::forward_row(h, a + r * g, c_prev ? c_prev + r * sw : nullptr, c ? c + r * sw : nullptr, h_t + r * h);
      }
      drop_outputs(sh, l, steps, dropping);
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

  void backward_shard(std::size_t steps, bool dropping, Shard& sh, const Tensor3& grad_outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, sw = Cell::kStateWidth * h;
    // Steps whose dL/dh from above is known: all of them, except under a last-step head.
    const std::size_t first_given = backward_head(steps, sh, grad_outputs);
    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      const float* x = layer_input(sh, l, dropping);
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      const std::size_t given_from = l + 1 == sizes_.layers ? first_given : 0;
      std::fill(sh.sums.begin(), sh.sums.end(), 0.0);  // (1 + folded in) x G: bias, then input weight sums
      float* dw_hh = sh.grads[weight_hh_index(l)].data();
      std::size_t unsummed_top = steps - 1;  // dW_hh has the steps above this one
      const std::size_t chunk_steps = std::max<std::size_t>(1, kWeightGradRows / b);
      for (std::size_t t = steps; t-- > 0;) {
        float* dh = at(sh.grad_hidden, t);
        if (t + 1 < steps)  // dh_t += da_{t+1} W_hh  (or = when nothing came from above)
          product_nn(at(sh.gates[l], t + 1), b, g, w_hh, h, dh, t >= given_from);
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
          product_tn(a, rows, g, at(sh.hidden[l], t - 1), h, dw_hh, unsummed_top != steps - 1);
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
      if (l > 0) {  // dL/dx = da W_ih (times the mask) is layer l-1's dL/dh from above, for every step
        gemm(da, steps * b, g, Transpose::no, parameters_[weight_ih_index(l)].value.data(), g, in, Transpose::no,
             sh.grad_hidden.data());
        drop_gradient(sh, l, steps, dropping);
      }
    }
  }

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

// The memory plan of a FastModel<Cell> or its reference (plan_memory in recurrent_fast_base.hpp).
template <class Cell>
ModelPlan plan_memory(const PlanArgs& args, double reference_state) {
  return plan_memory(args, Cell::kGates, Cell::kStateWidth, reference_state, false);
}

}  // namespace seqlab::recurrent
