// FastModel<Cell>, the fast rnn, lstm and any cell of 1 to 4 gates on one sum a_t: fused passes, batch-parallel shards.
//
// Same network and parameters as recurrent_reference.hpp (which the tests hold
// it to), computed with less memory traffic:
//  - The batch is split into shards of whole sequences: seqlab/parallel.hpp's
//    reduction blocks (at most 512 rows, fixed by the batch size), halved when
//    of 64 to 255 rows, which the run's pool spreads over its threads; each shard runs every layer and step
//    on its own rows with single-threaded BLAS, so threads never wait on each
//    other inside an epoch. Shard gradients are summed in shard order: results
//    depend neither on the thread count nor on scheduling.
//  - Fused cells (fused_tiles.hpp; H a multiple of the SIMD width, 512-bit SIMD):
//    the gates are stored in unit-block order, so one register tile of the
//    step's recurrent product h_{t-1} W_hh^T holds every gate of a block of
//    units. Its accumulators start at b_ih + b_hh plus the input part (a
//    narrow input folded in as I multiply-adds per gate, a wider one computed
//    before), and the tile ends by applying the cell: activated gates, c_t and
//    h_t are written once, never the raw gates.
//  - Otherwise, per step, one GEMM gives all gates' recurrent part (B, G) on top
//    of the biases and the input part (folded or computed as above), and one
//    pass per row applies the cell.
//  - Backward, per step: the product dh_t = dL/dh_t from above + da_{t+1} W_hh,
//    then one pass per block of units over the rows applies the cell's backward,
//    writing dL/da_t over the activated gates, and sums dL/da (and x_i dL/da
//    for a folded input) in registers into the step's bias (and input weight)
//    gradient sums. (Fusing that pass into the product's tile measured slower:
//    backward_step says why.)
//  - A wider input gets its own product per step on the register kernel
//    (below), into the step's gates while they are in cache; where that kernel
//    does not apply, one OpenBLAS GEMM over all steps.
//  - dW_hh is added in products over a few steps at a time while their dL/da
//    is still in cache, and a wider input's dW_ih step by step (on the register
//    kernel; else one OpenBLAS GEMM over all steps).
//  - The per-step products (h_{t-1} W_hh^T, x_t W_ih^T, da_t W_hh, and the
//    chunks of dW_hh, x_t^T da_t) run on register_gemm.hpp's kernel where
//    it applies (widths a multiple of the vector, operands small enough) and on OpenBLAS
//    otherwise. For the input that matters from a few features up: on an LSTM
//    with hidden 64, batches of 64 and 48 steps, one GEMM over all steps for a
//    16- or 20-feature input wrote and re-read 3 MB of gates per batch (zeroed
//    first) and its dW_ih re-packed all of dL/da; epochs at 16 features took
//    28% longer than at 8, and per step 5% (tools/bench's input-width check).
//  - Training in one pass (FastBase::train_step, recurrent_fast_base.hpp): a
//    shard's sequences go through forward and backward in groups of about 1 MB
//    of activations, in buffers each thread reuses, so backward finds them in L2.
//  - Everything lives in the cache, sized once per batch shape: no allocation
//    per call (a shard's full activations on first use by forward).
//  - Dropout between layers (recurrent_common.hpp): the masks are drawn serially
//    before the shards run; a layer above reads its own copy of h * m, and the
//    dL/dx it hands down is multiplied by m.
// What does not depend on the cell is shared with gru_fast.hpp: FastBase (recurrent_fast_base.hpp) and
// the shards, dropout, products, head and memory plan it is made of (recurrent_shards.hpp,
// recurrent_products.hpp, recurrent_head.hpp, recurrent_memory_plan.hpp).
#pragma once

#include <seqlab/kernels/fused_tiles.hpp>
#include <seqlab/kernels/recurrent_fast_base.hpp>
#include <seqlab/kernels/recurrent_memory_plan.hpp>

namespace seqlab::recurrent {

// Cell: the elementwise maths of one recurrent cell, for one SIMD batch of units (or one unit) of a row:
//   struct LstmCell {
//     static constexpr std::size_t kGates = 4;
//     // The state per row, in units of H: c_t, and for small H also tanh(c_t) (lstm.cpp says why).
//     static constexpr std::size_t state_width(std::size_t hidden) { return hidden <= 64 ? 2 : 1; }
//     static constexpr bool kKeepsGates = true;      // backward reads the activated gates (the rnn: h_t only)
//     // g: the units' Q pre-activations in, activated out. c, c_prev: the units' state at t and t-1
//     // (c_prev null at t = 0); h: where h_t goes; second: the state's second part, in floats after
//     // the first (H), or 0 when it has one part.
//     template <class V> static void forward(V (&g)[kGates], const float* c_prev, float* c, float* h, size_t second);
//     // g: activated in, dL/da out. d_h: dL/dh_t; dc: carried dL/dc (in: from t+1, ignored when
//     // `last`; out: to t-1); h: h_t.
//     template <class V> static void backward(const V& d_h, V (&g)[kGates], float* dc, bool last,
//                                             const float* h, const float* c, const float* c_prev, size_t second);
//   };
template <class Cell>
class FastModel : public FastBase {
  static constexpr std::size_t Q = Cell::kGates;

 public:
  FastModel(const PluginArgs& args, const std::string& prefix)
      : FastBase(args, prefix, Q, Cell::state_width(static_cast<std::size_t>(args.params.integer("hidden_size")))),
        fused_(fuses_cell(sizes_.hidden, Q)),
        order_(sizes_.hidden, Q, fused_ && Q > 1) {
    const std::size_t g = sizes_.gate_width();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      bias_.push_back(Tensor1::from_shape({g}));
      input_weights_t_.push_back(Tensor1::from_shape({g * in}));
      input_weights_.push_back(Tensor1::from_shape({g * in}));
      recurrent_weights_t_.push_back(Tensor1::from_shape({sizes_.hidden * g}));
      recurrent_weights_.push_back(Tensor1::from_shape({g * sizes_.hidden}));
    }
  }

  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    std::size_t widest = sizes_.hidden;
    for (std::size_t l = 0; l < sizes_.layers; ++l) widest = std::max(widest, sizes_.layer_input(l));
    return make_shards(batch, steps, sizes_.gate_width(), sizes_.gate_width() * widest);  // sums: the bias
  }

 private:
  void add_cell_buffers(Shard& shard, std::size_t steps) const override {
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      shard.gates.push_back(Tensor3::from_shape({steps, shard.rows, sizes_.gate_width()}));
      if (state_width_ > 0) shard.state.push_back(Tensor3::from_shape({steps, shard.rows, state_floats()}));
    }
  }

  // Per forward, shared by all shards, in the kernels' gate order (order_): b_ih + b_hh; W_hh (G x H)
  // and its transpose (H x G) for the register kernel; W_ih (G x in) and its transpose (in x G) for
  // the fold and the per-step products.
  void prepare_weights() override {
    const std::size_t g = sizes_.gate_width(), h = sizes_.hidden;
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* b_ih = parameters_[bias_ih_index(l)].value.data();
      const float* b_hh = parameters_[bias_hh_index(l)].value.data();
      for (std::size_t k = 0; k < g; ++k) bias_[l][order_[k]] = b_ih[k] + b_hh[k];
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      const float* w_ih = parameters_[weight_ih_index(l)].value.data();
      order_.rows_in(w_hh, h, recurrent_weights_[l].data());
      order_.rows_in(w_ih, in, input_weights_[l].data());
      if (register_gemm_fits(g)) order_.transpose_in(w_hh, h, recurrent_weights_t_[l].data());
      if (folds_input(l) || input_per_step(l)) order_.transpose_in(w_ih, in, input_weights_t_[l].data());
    }
  }

  void forward_shard(const Tensor3& inputs, std::size_t steps, bool dropping, Shard& sh,
                     Tensor3& outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width();
    to_time_major(inputs.data() + sh.row0 * steps * sizes_.input, b, steps, sizes_.input, sh.inputs.data());
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* x = layer_input(sh, l, dropping);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      if (!fold && !per_step)  // the input part of every step in one GEMM: (T*b, in) x W_ih^T
        gemm(x, steps * b, in, Transpose::no, input_weights_[l].data(), g, in, Transpose::yes, sh.gates[l].data());
      for (std::size_t t = 0; t < steps; ++t) {
        const float* x_t = x + t * b * in;
        if (per_step) register_gemm_nn(x_t, b, in, input_weights_t_[l].data(), g, at(sh.gates[l], t), false);
        forward_step(l, t, sh, fold ? x_t : nullptr);
      }
      drop_outputs(sizes_, sh, l, steps, dropping);
    }
    forward_head(sizes_, parameters_, steps, sh, outputs);
  }

  // A row's state at one step: its floats, and where its second part starts in them (0: it has one part).
  std::size_t state_floats() const { return state_width_ * sizes_.hidden; }
  std::size_t second_state_part() const { return state_width_ > 1 ? sizes_.hidden : 0; }

  // What a step of layer l reads and writes in a shard: its gates, h_t, and c_t and c_{t-1} (null at
  // t = 0, or without a state). (Out-parameters: lambdas cannot capture structured bindings in C++17.)
  void step_of(Shard& sh, std::size_t l, std::size_t t, float*& a, float*& h_t, float*& c, const float*& c_prev) const {
    const bool state = state_width_ > 0;
    a = at(sh.gates[l], t);
    h_t = at(sh.hidden[l], t);
    c = state ? at(sh.state[l], t) : nullptr;
    c_prev = state && t > 0 ? at(sh.state[l], t - 1) : nullptr;
  }

  // Step t of layer l: fused (one tile per rows x unit blocks: biases and input part, the recurrent
  // product, the cell), or unfused (biases and input part, the product on top, the cell row by row).
  // x_fold: a folded input's step (b x in), or null when the gates already hold the input part.
  void forward_step(std::size_t l, std::size_t t, Shard& sh, const float* x_fold) const {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, in = sizes_.layer_input(l);
    const std::size_t sw = state_floats(), second = second_state_part();
    float *a, *h_t, *c;
    const float* c_prev;
    step_of(sh, l, t, a, h_t, c, c_prev);
    const float *bias = bias_[l].data(), *w_t = input_weights_t_[l].data();
    if (!fused_) return forward_step_unfused(l, t, sh, x_fold, a, h_t, c, c_prev);
    // At t = 0 there is no h_{t-1}: a product of depth 0 (its A pointer is never read).
    const float* h_prev = t > 0 ? at(sh.hidden[l], t - 1) : h_t;
    with_gate_tile<Q>(h, [&](auto rows, auto vectors) {
      constexpr std::size_t NB = decltype(vectors)::value;
      register_gemm_detail::fused_rows<decltype(rows)::value, NB>(
          b, g, h_prev, h, 1, recurrent_weights_t_[l].data(), t > 0 ? h : 0,
          [&](std::size_t r, std::size_t col) {
            simd::Batch v = simd::Batch::load_unaligned(bias + col);
            if (!x_fold) return v + simd::Batch::load_unaligned(a + r * g + col);
            for (std::size_t i = 0; i < in; ++i)
              v = register_gemm_detail::fma(simd::Batch(x_fold[r * in + i]),
                                            simd::Batch::load_unaligned(w_t + i * g + col), v);
            return v;
          },
          [&](std::size_t r0, std::size_t col, auto& sum) {
            constexpr std::size_t rows = tile_rows<decltype(sum)>, pairs = Cell::kForwardsPairs ? rows / 2 : 0;
            // Row by row (in pairs where the cell takes them), each row's unit blocks in order: h_t's row is
            // written front to back.
            const auto unit = [&](std::size_t blk) { return col / Q + blk * kLanes; };  // a block's first unit
            const auto state = [&](auto* s, std::size_t r, std::size_t blk) {
              return s ? s + (r0 + r) * sw + unit(blk) : s;
            };
            const auto store_gates = [&](const simd::Batch(&v)[Q], std::size_t r, std::size_t blk) {
              if (Cell::kKeepsGates)
                for (std::size_t q = 0; q < Q; ++q)
                  v[q].store_unaligned(a + (r0 + r) * g + col + blk * Q * kLanes + q * kLanes);
            };
            for (std::size_t r = 0; r < 2 * pairs; r += 2)  // the cell's rows two by two (kForwardsPairs)
              for (std::size_t blk = 0; blk < NB / Q; ++blk) {
                simd::Batch v[2][Q];
                for (std::size_t n = 0; n < 2; ++n)
                  for (std::size_t q = 0; q < Q; ++q) v[n][q] = sum[r + n][blk * Q + q];
                if constexpr (Cell::kForwardsPairs)
                  Cell::forward_pair(v, {state(c_prev, r, blk), state(c_prev, r + 1, blk)},
                                     {state(c, r, blk), state(c, r + 1, blk)},
                                     {h_t + (r0 + r) * h + unit(blk), h_t + (r0 + r + 1) * h + unit(blk)}, second);
                store_gates(v[0], r, blk);
                store_gates(v[1], r + 1, blk);
              }
            for (std::size_t r = 2 * pairs; r < rows; ++r)
              for (std::size_t blk = 0; blk < NB / Q; ++blk) {
                simd::Batch v[Q];
                for (std::size_t q = 0; q < Q; ++q) v[q] = sum[r][blk * Q + q];
                Cell::forward(v, state(c_prev, r, blk), state(c, r, blk), h_t + (r0 + r) * h + unit(blk), second);
                store_gates(v, r, blk);
              }
          });
    });
  }

  void forward_step_unfused(std::size_t l, std::size_t t, Shard& sh, const float* x_fold, float* a, float* h_t,
                            float* c, const float* c_prev) const {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, in = sizes_.layer_input(l);
    const std::size_t sw = state_floats(), second = second_state_part();
    const float *bias = bias_[l].data(), *w_t = input_weights_t_[l].data();
    for (std::size_t r = 0; r < b; ++r)
      simd::for_columns(g, [&](std::size_t k, auto zero) {
        using V = decltype(zero);
        float* a_rk = a + r * g + k;
        V v = simd::load(bias + k, zero);
        if (!x_fold) v = v + simd::load(a_rk, zero);
        for (std::size_t i = 0; x_fold && i < in; ++i)
          v = v + V(x_fold[r * in + i]) * simd::load(w_t + i * g + k, zero);
        simd::store(a_rk, v);
      });
    if (t > 0)  // a (b x G) += h_{t-1} (b x H) W_hh^T
      product_nt(at(sh.hidden[l], t - 1), b, h, recurrent_weights_[l].data(), recurrent_weights_t_[l].data(), g, a,
                 true);
    for (std::size_t r = 0; r < b; ++r)
      simd::for_columns(h, [&](std::size_t k, auto zero) {
        using V = decltype(zero);
        V v[Q];
        for (std::size_t q = 0; q < Q; ++q) v[q] = simd::load(a + r * g + q * h + k, zero);
        Cell::forward(v, c_prev ? c_prev + r * sw + k : nullptr, c ? c + r * sw + k : nullptr, h_t + r * h + k, second);
        for (std::size_t q = 0; q < Q && Cell::kKeepsGates; ++q) simd::store(a + r * g + q * h + k, v[q]);
      });
  }

  void backward_shard(std::size_t steps, bool dropping, Shard& sh, const Tensor3& grad_outputs) const override {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden;
    // Steps whose dL/dh from above is known: all of them, except under a last-step head.
    const std::size_t first_given = backward_head(sizes_, parameters_, steps, sh, grad_outputs);
    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const bool fold = folds_input(l), per_step = input_per_step(l);
      const float* x = layer_input(sh, l, dropping);
      const std::size_t given_from = l + 1 == sizes_.layers ? first_given : 0;
      std::fill(sh.sums.begin(), sh.sums.end(), 0.0);  // (1 + folded in) x G: bias, then input weight sums
      float* dw_hh_t = sh.permuted_grad.data();        // dW_hh^T (H x G), gates in the kernels' order
      std::size_t unsummed_top = steps - 1;            // dW_hh has the steps above this one
      const std::size_t chunk_steps = std::max<std::size_t>(1, kWeightGradRows / b);
      for (std::size_t t = steps; t-- > 0;) {
        float* step = sh.step_sums.data();
        const std::size_t summed = fold ? (1 + in) * g : g;
        std::fill_n(step, summed, 0.0f);
        backward_step(l, t, steps, t >= given_from, sh, fold ? x + t * b * in : nullptr, step);
        // Steps are added in double, so a sum over T*B rows keeps its digits.
        for (std::size_t k = 0; k < summed; ++k) sh.sums[k] += step[k];
        float* a = at(sh.gates[l], t);
        // dW_hh^T += h_{t-1}^T da_t, a few steps per GEMM while their da is still in cache (da and h of
        // consecutive steps are contiguous, time-major). Transposed, the kernel's tile spans 64 gate
        // columns and reads whole rows of da: 19% fewer samples in these products than da^T h (tiles
        // of 8 gate columns by 32 units, half a cache line of da per row), with the same bits.
        if (t >= 1 && (unsummed_top - t + 1 == chunk_steps || t == 1)) {
          const std::size_t rows = (unsummed_top - t + 1) * b;
          product_tn(at(sh.hidden[l], t - 1), rows, h, a, g, dw_hh_t, unsummed_top != steps - 1);
          unsummed_top = t - 1;
        }
        // dW_ih^T += x_t^T da_t, while da_t is still in cache.
        if (per_step) register_gemm_tn(x + t * b * in, b, in, a, g, sh.input_grad_t.data(), t + 1 < steps);
      }
      std::vector<Tensor1>& grads = sh.grads;
      if (steps == 1)  // no step has an h_{t-1}
        std::fill_n(grads[weight_hh_index(l)].data(), g * h, 0.0f);
      else
        order_.transpose_out(dw_hh_t, h, grads[weight_hh_index(l)].data());
      const float* da = sh.gates[l].data();
      float* dw_ih = grads[weight_ih_index(l)].data();
      if (fold) {
        for (std::size_t k = 0; k < g; ++k)
          for (std::size_t i = 0; i < in; ++i) dw_ih[k * in + i] = static_cast<float>(sh.sums[(1 + i) * g + order_[k]]);
      } else if (per_step) {
        order_.transpose_out(sh.input_grad_t.data(), in, dw_ih);
      } else {
        gemm(da, steps * b, g, Transpose::yes, x, steps * b, in, Transpose::no, sh.permuted_grad.data());
        order_.rows_out(sh.permuted_grad.data(), in, dw_ih);
      }
      for (std::size_t k = 0; k < g; ++k)
        grads[bias_ih_index(l)][k] = grads[bias_hh_index(l)][k] = static_cast<float>(sh.sums[order_[k]]);
      if (l > 0) {  // dL/dx = da W_ih (times the mask) is layer l-1's dL/dh from above, for every step
        gemm(da, steps * b, g, Transpose::no, input_weights_[l].data(), g, in, Transpose::no, sh.grad_hidden.data());
        drop_gradient(sizes_, sh, l, steps, dropping);
      }
    }
  }

  // Step t's backward: dh_t = (given ? dL/dh_t from above : 0) + da_{t+1} W_hh in memory, then per row
  // the cell (dL/da_t over the gates) and the step's sums in `step` (bias, then x_i-weighted for a
  // folded input x_t). Not fused into the product's tile as forward is: there the finish waits on
  // the step's gates, which are far from cache, and the whole backward measured slower than this
  // streaming pass (which the hardware prefetcher follows).
  void backward_step(std::size_t l, std::size_t t, std::size_t steps, bool given, Shard& sh, const float* x_t,
                     float* step) const {
    const std::size_t b = sh.rows, g = sizes_.gate_width(), h = sizes_.hidden, in = sizes_.layer_input(l);
    const std::size_t sw = state_floats(), second = second_state_part();
    const bool last = t + 1 == steps;
    float* dh = at(sh.grad_hidden, t);
    if (!last)  // dh_t += da_{t+1} W_hh  (or = when nothing came from above)
      product_nn(at(sh.gates[l], t + 1), b, g, recurrent_weights_[l].data(), h, dh, given);
    else if (!given)
      std::fill_n(dh, b * h, 0.0f);
    float *a, *h_t, *c;
    const float* c_prev;
    step_of(sh, l, t, a, h_t, c, c_prev);
    // Rows in blocks small enough to stay in L1; per block of rows, per block of units (a SIMD batch,
    // then single units), each row in order: the cell's backward, and the step's sums for those units'
    // gate columns, kept in registers across the block's rows. Each column is still summed in row order
    // (the bits of a row-by-row pass through memory), with a load and store of the sums per block of
    // rows rather than per row.
    const std::size_t folded = x_t ? in : 0;
    with_folded_width(folded, [&](auto most) {
      constexpr std::size_t N = decltype(most)::value;  // folded <= N
      for (std::size_t r0 = 0; r0 < b; r0 += kSummedRows) {
        const std::size_t r_end = std::min(b, r0 + kSummedRows);
        simd::for_columns(h, [&](std::size_t k, auto zero) {
          using V = decltype(zero);
          // Gate q of unit k: in unit blocks when fused (k is then a multiple of kLanes), else PyTorch's order.
          const auto column = [&](std::size_t q) { return fused_ ? k * Q + q * kLanes : q * h + k; };
          V bias_sum[Q], input_sum[N > 0 ? N : 1][Q];
          for (std::size_t q = 0; q < Q; ++q) {
            bias_sum[q] = simd::load(step + column(q), zero);
            for (std::size_t i = 0; i < N; ++i)
              if (i < folded) input_sum[i][q] = simd::load(step + (1 + i) * g + column(q), zero);
          }
          for (std::size_t r = r0; r < r_end; ++r) {
            float* da_r = a + r * g;
            V v[Q];
            for (std::size_t q = 0; q < Q; ++q) v[q] = simd::load(da_r + column(q), zero);
            Cell::backward(simd::load(dh + r * h + k, zero), v, sh.grad_state.data() + r * h + k, last, h_t + r * h + k,
                           c ? c + r * sw + k : nullptr, c_prev ? c_prev + r * sw + k : nullptr, second);
            for (std::size_t q = 0; q < Q; ++q) {
              simd::store(da_r + column(q), v[q]);
              bias_sum[q] = bias_sum[q] + v[q];
              for (std::size_t i = 0; i < N; ++i)
                if (i < folded) input_sum[i][q] = input_sum[i][q] + V(x_t[r * in + i]) * v[q];
            }
          }
          for (std::size_t q = 0; q < Q; ++q) {
            simd::store(step + column(q), bias_sum[q]);
            for (std::size_t i = 0; i < folded; ++i) simd::store(step + (1 + i) * g + column(q), input_sum[i][q]);
          }
        });
      }
    });
  }

  const bool fused_;       // the fused tiles (fused_tiles.hpp), or the unfused passes
  const GateOrder order_;  // PyTorch's gate columns -> the kernels' (unit blocks when fused)
  // Per layer, gates in order_: b_ih + b_hh (G); W_ih^T (in x G) and W_hh^T (H x G) for the fold and the
  // register kernel; W_ih (G x in) and W_hh (G x H) for backward's products.
  std::vector<Tensor1> bias_, input_weights_t_, recurrent_weights_t_, input_weights_, recurrent_weights_;
};

// The implementation the `kernel` parameter asks for: this file's (fast), or
// Reference, the plain oracle from recurrent_reference.hpp.
template <class Cell, class Reference>
std::unique_ptr<Model> make_implementation(const PluginArgs& args, const std::string& prefix) {
  if (args.params.text("kernel") == "reference") return std::make_unique<Reference>(args);
  return std::make_unique<FastModel<Cell>>(args, prefix);
}

// The memory plan of a FastModel<Cell> or its reference (plan_memory in recurrent_memory_plan.hpp).
template <class Cell>
ModelPlan plan_memory(const PlanArgs& args, double reference_state) {
  const auto hidden = static_cast<std::size_t>(args.params.integer("hidden_size"));
  return plan_memory(args, Cell::kGates, static_cast<double>(Cell::state_width(hidden)), reference_state, false);
}

}  // namespace seqlab::recurrent
