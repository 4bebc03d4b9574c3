// Model plugin `minimal_gru`: a stacked minimal GRU (update gate only) + Linear head, a cell on seqlab::kernels.
//
// The GRU without its reset gate (Zhou et al.'s minimal gated unit family; Ravanelli et al.'s light GRU
// without batch norm). Per layer, step t (x_t: the inputs, or the layer below's h_t; h_{-1} = 0), gates
// in the order z, n, each a block of H rows of W_ih (2H, I or H), W_hh (2H, H), b_ih and b_hh (2H):
//   a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
//   z = sigmoid(a_z)    n = tanh(a_n)
//   h_t = (1 - z) * n + z * h_{t-1}
// Backward, given dh_t (from above and through W_hh from step t+1) plus the direct path d_{t+1} * z_{t+1}
// carried from step t+1 (zero at t = T-1), with d = their sum:
//   da_z = d * (h_{t-1} - n) * z (1 - z)     da_n = d * (1 - z) * (1 - n^2)     carried to t-1: d * z
// Everything else (the layer loop, the head, the weight gradients, dropout, the shards and fused tiles,
// the parameter names and layouts) comes from the installed kernel library: recurrent_reference.hpp runs
// the reference hooks below, recurrent_fast.hpp's FastModel the fast Cell. docs/plugins/cell.md walks
// through this file; compare_with_torch.py holds both to a torch autograd version of the same equations.
#include <cmath>
#include <seqlab/kernels/recurrent_fast.hpp>
#include <seqlab/kernels/recurrent_reference.hpp>

namespace {

using seqlab::Tensor2;
using seqlab::recurrent::ReferenceCache;

// The reference keeps one more buffer than ReferenceCache has: the direct path of dL/dh_t (the LSTM's dc).
struct MinimalGruCache : ReferenceCache {
  MinimalGruCache(const seqlab::recurrent::Sizes& s, std::size_t batch, std::size_t steps)
      : ReferenceCache(s, batch, steps), grad_carry(Tensor2::from_shape({batch, s.hidden})) {}
  Tensor2 grad_carry;  // (B, H): d * z, carried from step t+1 to t
};

// The reference cell: the hooks of recurrent_reference.hpp, one step over all rows, in plain scalar loops
// with libm's exp and tanh, so that it is an oracle independent of the fast kernels' activations.
// ReferenceCache::gates holds a_t when forward_step is called; it leaves the activated z, n in its place.
class MinimalGruReference : public seqlab::recurrent::ReferenceModel {
 public:
  explicit MinimalGruReference(const seqlab::PluginArgs& args) : ReferenceModel(args, "minimal_gru", 2) {}

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<MinimalGruCache>(sizes_, batch, steps);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t h = sizes_.hidden;
    for (std::size_t row = 0; row < cache.batch; ++row) {
      float* a = ReferenceCache::at(cache.gates[layer], t) + row * 2 * h;
      const float* h_prev = t > 0 ? ReferenceCache::at(cache.hidden[layer], t - 1) + row * h : nullptr;
      float* h_out = ReferenceCache::at(cache.hidden[layer], t) + row * h;
      for (std::size_t k = 0; k < h; ++k) {
        const float z = 1.0f / (1.0f + std::exp(-a[k]));
        const float n = std::tanh(a[h + k]);
        h_out[k] = (1.0f - z) * n + z * (h_prev ? h_prev[k] : 0.0f);
        a[k] = z;
        a[h + k] = n;
      }
    }
  }

  void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache_base) const override {
    auto& cache = static_cast<MinimalGruCache&>(cache_base);  // made by make_cache above
    const std::size_t h = sizes_.hidden;
    const bool last = t + 1 == cache.steps;
    for (std::size_t row = 0; row < cache.batch; ++row) {
      const float* gates = ReferenceCache::at(cache.gates[layer], t) + row * 2 * h;
      const float* h_prev = t > 0 ? ReferenceCache::at(cache.hidden[layer], t - 1) + row * h : nullptr;
      const float* dh = ReferenceCache::at(cache.grad_hidden, t) + row * h;
      float* carry = cache.grad_carry.data() + row * h;
      float* da = ReferenceCache::at(cache.grad_gates, t) + row * 2 * h;
      for (std::size_t k = 0; k < h; ++k) {
        const float z = gates[k], n = gates[h + k];
        const float d = dh[k] + (last ? 0.0f : carry[k]);
        da[k] = d * ((h_prev ? h_prev[k] : 0.0f) - n) * z * (1.0f - z);
        da[h + k] = d * (1.0f - z) * (1.0f - n * n);
        carry[k] = d * z;
      }
    }
  }
};

// The fast cell, for recurrent_fast.hpp's FastModel (the Cell contract at its top): the same equations
// for one SIMD batch of a row's units (V = xsimd::batch<float>) or one unit (V = float). FastModel does
// the rest: b_ih + b_hh and the input part, the recurrent product (fused with this cell into one register
// tile when H is a multiple of the SIMD width), the bias and weight gradients, the shards and threads.
struct MinimalGruCell {
  static constexpr std::size_t kGates = 2;  // z, n
  // The cell's state is h_t itself: FastModel hands a cell its state at t - 1 (null at t = 0), not
  // h_{t-1}, and the update needs h_{t-1}, forward and backward. One copy of h, H floats per row.
  static constexpr std::size_t state_width(std::size_t) { return 1; }
  static constexpr bool kKeepsGates = true;      // backward reads the activated z, n
  static constexpr bool kForwardsPairs = false;  // a short chain per unit: nothing to gain from pairing rows

  // g: a_z, a_n in; z, n out. h_prev: the state at t - 1 (h_{t-1}), null at t = 0. Writes h_t twice: as the
  // state (read by step t + 1 and by backward) and as the layer's output.
  template <class V>
  static void forward(V (&g)[2], const float* h_prev, float* state, float* h_out, std::size_t) {
    namespace simd = seqlab::recurrent::simd;
    g[0] = simd::sigmoid(g[0]);
    g[1] = simd::tanh(g[1]);
    V h = (V(1.0f) - g[0]) * g[1];
    if (h_prev) h = h + g[0] * simd::load(h_prev, V{});
    simd::store(state, h);
    simd::store(h_out, h);
  }

  // d_h: dL/dh_t from above and through W_hh. g: z, n in; da_z, da_n out. carry: d * z (in: from t + 1,
  // ignored when `last`; out: to t - 1). h_prev: the state at t - 1, null at t = 0.
  template <class V>
  static void backward(const V& d_h, V (&g)[2], float* carry, bool last, const float*, const float*,
                       const float* h_prev, std::size_t) {
    namespace simd = seqlab::recurrent::simd;
    const V one(1.0f), z = g[0], n = g[1];
    const V d = last ? d_h : d_h + simd::load(carry, V{});
    const V before = h_prev ? simd::load(h_prev, V{}) : V(0.0f);
    g[0] = d * (before - n) * z * (one - z);
    g[1] = d * (one - z) * (one - n * n);
    simd::store(carry, d * z);
  }
};

// The plugin: the schema every recurrent model shares (hidden_size, num_layers, head, kernel, dropout), the
// memory plan, and the implementation `kernel` asks for (fast: FastModel<MinimalGruCell>; reference).
class MinimalGruModel : public seqlab::recurrent::DelegatingModel {
 public:
  static seqlab::PluginMeta meta() {
    return {"minimal_gru", "minimal GRU (update gate only) + Linear head, a cell on seqlab::kernels",
            seqlab::recurrent::schema()};
  }

  // reference_state 0: the reference keeps no per-step state beyond ReferenceCache's (grad_carry is per batch).
  static seqlab::ModelPlan plan(const seqlab::PlanArgs& args) {
    return seqlab::recurrent::plan_memory<MinimalGruCell>(args, 0);
  }

  explicit MinimalGruModel(const seqlab::PluginArgs& args)
      : DelegatingModel(
            seqlab::recurrent::make_implementation<MinimalGruCell, MinimalGruReference>(args, "minimal_gru")) {}
};

}  // namespace

SEQLAB_PLUGIN(MinimalGruModel)
