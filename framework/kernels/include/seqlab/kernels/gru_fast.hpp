// The fast implementation of the gru model: fused per-row passes over batch-parallel shards.
//
// The same network as gru.cpp's reference (which the tests hold it to), in the
// family of recurrent_fast.hpp (read its header first): time-major shards, one
// per thread; per step one product for every gate's recurrent part on the
// register kernel where it fits; a narrow input folded into the per-row pass;
// bias and folded weight gradients summed in that pass; dW_hh added in chunks
// of steps while dL/da is in cache; nothing allocated per call.
//
// What differs from the rnn/lstm kernel, because of b_hn inside the reset
// product (n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))):
//  - The recurrent product h_{t-1} W_hh^T goes into a per-shard scratch (rows, 3H),
//    not onto the input part; the row pass combines them and keeps, per row,
//    [r, z, hn] in `gates` (hn = h_{t-1} W_hn^T + b_hn, which dr needs) and n in `state`.
//  - Backward has two dL/da: the recurrent side [da_r, da_z, dhn = da_n * r] (for
//    dh_{t-1}, dW_hh, b_hh) overwrites `gates` in place, contiguous, so the two hot
//    products (dh_{t-1} = da W_hh per step, dW_hh in chunks) stay single products;
//    the input side [da_r, da_z, da_n] (for dW_ih, b_ih, dx) goes to `state` (da_n)
//    and, when a layer needs it as a matrix (a wide input, or a layer above the
//    first), to the scratch, from which dW_ih and dx_t are taken step by step.
//  - dh_t also flows to h_{t-1} directly (h = (1-z) n + z h_{t-1}): carried in
//    grad_state like the LSTM's dc.
#pragma once

#include <seqlab/kernels/recurrent_fast_base.hpp>
#include <seqlab/kernels/recurrent_memory_plan.hpp>

namespace seqlab::recurrent {

// One row of one step, vectorised over the H units; H = h, G = 3h.
struct GruCell {
  // a: (G) the input part x W_ih^T when the input is wide (x null), else unused; out: r, z, hn.
  // x, w_t (in x G): a folded input and W_ih^T. bias: (4H) b_ir + b_hr, b_iz + b_hz, b_in, b_hn.
  // rec: (G) h_{t-1} W_hh^T, null at t = 0 (h_{-1} = 0), as is h_prev. Writes n and h.
  static void forward_row(std::size_t h, std::size_t in, float* a, const float* x, const float* w_t, const float* bias,
                          const float* rec, const float* h_prev, float* n_out, float* h_out) {
    const std::size_t g = 3 * h;
    simd::for_columns(h, [&](std::size_t k, auto zero) {
      using V = decltype(zero);
      V xr = simd::load(bias + k, zero), xz = simd::load(bias + h + k, zero), xn = simd::load(bias + 2 * h + k, zero);
      if (x) {
        for (std::size_t i = 0; i < in; ++i) {
          const V xi(x[i]);
          const float* w = w_t + i * g + k;
          xr = xr + xi * simd::load(w, zero);
          xz = xz + xi * simd::load(w + h, zero);
          xn = xn + xi * simd::load(w + 2 * h, zero);
        }
      } else {
        xr = xr + simd::load(a + k, zero);
        xz = xz + simd::load(a + h + k, zero);
        xn = xn + simd::load(a + 2 * h + k, zero);
      }
      V hn = simd::load(bias + 3 * h + k, zero);
      if (rec) {
        xr = xr + simd::load(rec + k, zero);
        xz = xz + simd::load(rec + h + k, zero);
        hn = hn + simd::load(rec + 2 * h + k, zero);
      }
      const V r = simd::sigmoid(xr), z = simd::sigmoid(xz);
      const V n = simd::tanh(xn + r * hn);
      const V h_new = h_prev ? n + z * (simd::load(h_prev + k, zero) - n) : n - z * n;  // (1 - z) n + z h_prev
      simd::store(a + k, r);
      simd::store(a + h + k, z);
      simd::store(a + 2 * h + k, hn);
      simd::store(n_out + k, n);
      simd::store(h_out + k, h_new);
    });
  }

  // a: r, z, hn in; da_r, da_z, dhn out. n_io: n in, da_n out. dh: dL/dh_t from above and
  // through W_hh; carry: dL/dh_t's direct path from step t+1 (ignored when `last`), out: to t-1.
  // din: null, or (G) da_r, da_z, da_n out.
  static void backward_row(std::size_t h, float* a, float* n_io, const float* dh, float* carry, bool last,
                           const float* h_prev, float* din) {
    simd::for_columns(h, [&](std::size_t k, auto zero) {
      using V = decltype(zero);
      const V one(1.0f);
      const V r = simd::load(a + k, zero), z = simd::load(a + h + k, zero), hn = simd::load(a + 2 * h + k, zero);
      const V n = simd::load(n_io + k, zero);
      V d = simd::load(dh + k, zero);
      if (!last) d = d + simd::load(carry + k, zero);
      simd::store(carry + k, d * z);
      const V hp = h_prev ? simd::load(h_prev + k, zero) : V(0.0f);
      const V da_n = d * (one - z) * (one - n * n);
      const V da_r = da_n * hn * r * (one - r);
      const V da_z = d * (hp - n) * z * (one - z);
      simd::store(a + k, da_r);
      simd::store(a + h + k, da_z);
      simd::store(a + 2 * h + k, da_n * r);
      simd::store(n_io + k, da_n);
      if (din) {
        simd::store(din + k, da_r);
        simd::store(din + h + k, da_z);
        simd::store(din + 2 * h + k, da_n);
      }
    });
  }
};

class GruFast : public FastBase {
 public:
  explicit GruFast(const PluginArgs& args) : FastBase(args, "gru", 3, 1) {  // state: h_t
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      bias_.push_back(Tensor1::from_shape({g + h}));
      input_weights_t_.push_back(Tensor1::from_shape({g * sizes_.layer_input(l)}));
      recurrent_weights_t_.push_back(Tensor1::from_shape({h * g}));
    }
  }

  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    return make_shards(batch, steps, g + h, h * g);  // sums: b_hh, then b_ih's n block; permuted_grad: dW_hh^T
  }

 private:
  void add_cell_buffers(Shard& shard, std::size_t steps) const override {
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      shard.gates.push_back(Tensor3::from_shape({steps, shard.rows, sizes_.gate_width()}));
      shard.state.push_back(Tensor3::from_shape({steps, shard.rows, sizes_.hidden}));
    }
    shard.scratch = Tensor2::from_shape({shard.rows, sizes_.gate_width()});
  }

  // Per forward, shared by all shards: the biases as GruCell::forward_row takes them, and W_ih^T and
  // W_hh^T (in x G, H x G) for the fold and the register kernel.
  void prepare_weights() override {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const float* b_ih = parameters_[bias_ih_index(l)].value.data();
      const float* b_hh = parameters_[bias_hh_index(l)].value.data();
      float* bias = bias_[l].data();
      for (std::size_t k = 0; k < 2 * h; ++k) bias[k] = b_ih[k] + b_hh[k];
      std::copy_n(b_ih + 2 * h, h, bias + 2 * h);
      std::copy_n(b_hh + 2 * h, h, bias + 3 * h);
      if (!register_gemm_fits(g)) {
        if (!folds_input(l)) continue;
      } else {
        transpose(parameters_[weight_hh_index(l)].value.data(), g, h, recurrent_weights_t_[l].data());
      }
      transpose(parameters_[weight_ih_index(l)].value.data(), g, sizes_.layer_input(l), input_weights_t_[l].data());
    }
  }

  // out (cols x rows) = m (rows x cols) transposed
  static void transpose(const float* m, std::size_t rows, std::size_t cols, float* out) {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) out[c * rows + r] = m[r * cols + c];
  }

  void forward_shard(const Tensor3& inputs, std::size_t steps, bool dropping, Shard& sh,
                     Tensor3& outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden;
    to_time_major(inputs.data() + sh.row0 * steps * sizes_.input, b, steps, sizes_.input, sh.inputs.data());
    float* rec = sh.scratch.data();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* x = layer_input(sh, l, dropping);
      const bool fold = folds_input(l);
      const float* w_ih = parameters_[weight_ih_index(l)].value.data();
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      for (std::size_t t = 0; t < steps; ++t) {
        float* a = at(sh.gates[l], t);
        const float* x_t = x + t * b * in;
        if (!fold) product_nt(x_t, b, in, w_ih, input_weights_t_[l].data(), g, a, false);
        if (t > 0) product_nt(at(sh.hidden[l], t - 1), b, h, w_hh, recurrent_weights_t_[l].data(), g, rec, false);
        const float* h_prev = t > 0 ? at(sh.hidden[l], t - 1) : nullptr;
        float* n = at(sh.state[l], t);
        float* h_t = at(sh.hidden[l], t);
        for (std::size_t r = 0; r < b; ++r)
          GruCell::forward_row(h, in, a + r * g, fold ? x_t + r * in : nullptr, input_weights_t_[l].data(),
                               bias_[l].data(), t > 0 ? rec + r * g : nullptr, h_prev ? h_prev + r * h : nullptr,
                               n + r * h, h_t + r * h);
      }
      drop_outputs(sizes_, sh, l, steps, dropping);
    }
    forward_head(sizes_, parameters_, steps, sh, outputs);
  }

  void backward_shard(std::size_t steps, bool dropping, Shard& sh, const Tensor3& grad_outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden;
    // Steps whose dL/dh from above is known: all of them, except under a last-step head.
    const std::size_t first_given = backward_head(sizes_, parameters_, steps, sh, grad_outputs);
    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      float* din = !fold || l > 0 ? sh.scratch.data() : nullptr;  // the input side as a matrix, when needed
      const float* x = layer_input(sh, l, dropping);
      const float* w_ih = parameters_[weight_ih_index(l)].value.data();
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      const std::size_t given_from = l + 1 == sizes_.layers ? first_given : 0;
      // Sums: [da_r, da_z, dhn] (b_hh), da_n (b_ih's n block), then per folded input i x_i [da_r, da_z, da_n].
      std::fill(sh.sums.begin(), sh.sums.end(), 0.0);
      float* dw_hh = sh.grads[weight_hh_index(l)].data();
      float* dw_hh_t = sh.permuted_grad.data();  // dW_hh^T (H x G), transposed into dw_hh when the layer is done
      float* dw_ih = sh.grads[weight_ih_index(l)].data();
      std::size_t unsummed_top = steps - 1;  // dW_hh has the steps above this one
      const std::size_t chunk_steps = std::max<std::size_t>(1, kWeightGradRows / b);
      for (std::size_t t = steps; t-- > 0;) {
        float* dh = at(sh.grad_hidden, t);
        if (t + 1 < steps)  // dh_t += [da_r, da_z, dhn]_{t+1} W_hh  (or = when nothing came from above)
          product_nn(at(sh.gates[l], t + 1), b, g, w_hh, h, dh, t >= given_from);
        else if (t < given_from)
          std::fill_n(dh, b * h, 0.0f);
        float* a = at(sh.gates[l], t);
        float* dn = at(sh.state[l], t);
        const float* h_prev = t > 0 ? at(sh.hidden[l], t - 1) : nullptr;
        float* step = sh.step_sums.data();
        const std::size_t summed = g + h + (fold ? in * g : 0);
        std::fill_n(step, summed, 0.0f);
        // The cell row by row, and the step's sums per block of rows while they are in L1.
        for (std::size_t r0 = 0; r0 < b; r0 += kSummedRows) {
          const std::size_t rows = std::min(b, r0 + kSummedRows) - r0;
          for (std::size_t r = r0; r < r0 + rows; ++r)
            GruCell::backward_row(h, a + r * g, dn + r * h, dh + r * h, sh.grad_state.data() + r * h, t + 1 == steps,
                                  h_prev ? h_prev + r * h : nullptr, din ? din + r * g : nullptr);
          const float *a_0 = a + r0 * g, *dn_0 = dn + r0 * h;
          add_rows_in_order(a_0, rows, g, g, nullptr, 0, step);
          add_rows_in_order(dn_0, rows, h, h, nullptr, 0, step + g);
          for (std::size_t i = 0; fold && i < in; ++i) {
            const float* x_i = x + (t * b + r0) * in + i;  // x_i of row r0 + r at x_i[r * in]
            add_rows_in_order(a_0, rows, 2 * h, g, x_i, in, step + g + h + i * g);
            add_rows_in_order(dn_0, rows, h, h, x_i, in, step + g + h + i * g + 2 * h);
          }
        }
        // Steps are added in double, so a sum over T*B rows keeps its digits.
        for (std::size_t k = 0; k < summed; ++k) sh.sums[k] += step[k];
        // dW_hh^T += h_{t-1}^T [da_r, da_z, dhn], a few steps per product while they are in cache (transposed
        // as in recurrent_fast.hpp: the kernel's tiles then read whole rows of dL/da).
        if (t >= 1 && (unsummed_top - t + 1 == chunk_steps || t == 1)) {
          const std::size_t rows = (unsummed_top - t + 1) * b;
          product_tn(at(sh.hidden[l], t - 1), rows, h, a, g, dw_hh_t, unsummed_top != steps - 1);
          unsummed_top = t - 1;
        }
        const float* x_t = x + t * b * in;
        if (per_step)  // dW_ih^T += x_t^T [da_r, da_z, da_n]_t
          register_gemm_tn(x_t, b, in, din, g, sh.input_grad_t.data(), t + 1 < steps);
        else if (!fold)  // dW_ih += [da_r, da_z, da_n]_t^T x_t
          gemm(din, b, g, Transpose::yes, x_t, b, in, Transpose::no, dw_ih, 1.0f, t + 1 < steps ? 1.0f : 0.0f);
        // dL/dx_t, layer l-1's dL/dh_t from above, over this layer's dh_t: used already.
        if (l > 0) product_nn(din, b, g, w_ih, in, dh, false);
      }
      if (steps == 1)  // no step has an h_{t-1}
        std::fill_n(dw_hh, g * h, 0.0f);
      else
        transpose(dw_hh_t, h, g, dw_hh);
      if (fold) {
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t i = 0; i < in; ++i) dw_ih[k * in + i] = static_cast<float>(sh.sums[g + h + i * g + k]);
      } else if (per_step) {
        const float* dw_t = sh.input_grad_t.data();
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t i = 0; i < in; ++i) dw_ih[k * in + i] = dw_t[i * g + k];
      }
      float* db_ih = sh.grads[bias_ih_index(l)].data();
      float* db_hh = sh.grads[bias_hh_index(l)].data();
      for (std::size_t k = 0; k < g; ++k) {
        db_hh[k] = static_cast<float>(sh.sums[k]);
        db_ih[k] = static_cast<float>(k < 2 * h ? sh.sums[k] : sh.sums[h + k]);  // the n block: da_n's sum
      }
      drop_gradient(sizes_, sh, l, steps, dropping);
    }
  }

  std::vector<Tensor1> bias_;                 // per layer (4H): b_ir + b_hr, b_iz + b_hz, b_in, b_hn
  std::vector<Tensor1> input_weights_t_;      // per layer (in x G): W_ih^T, for a folded input or the register kernel
  std::vector<Tensor1> recurrent_weights_t_;  // per layer (H x G): W_hh^T, for the register kernel
};

}  // namespace seqlab::recurrent
