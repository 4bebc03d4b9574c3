// Model plugin `lstm`: stacked LSTM + Linear head, as torch.nn.LSTM(batch_first=True) + nn.Linear.
//
// Per layer, step t (x_t: the inputs, or the layer below's h_t; h_{-1} = c_{-1} = 0),
// gates in PyTorch's order i, f, g, o, each a block of H columns of a_t (B, 4H):
//   a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh      W_ih (4H, I or H), W_hh (4H, H)
//   i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
//   c_t = f * c_{t-1} + i * g
//   h_t = o * tanh(c_t)
// Backward, given dh_t (from above and from step t+1) and dc_t carried from
// step t+1 (zero at t = T-1):
//   dc   = dc_t + dh_t * o * (1 - tanh(c_t)^2)
//   da_i = dc * g * i (1 - i)          da_f = dc * c_{t-1} * f (1 - f)
//   da_g = dc * i * (1 - g^2)          da_o = dh_t * tanh(c_t) * o (1 - o)
//   dc_{t-1} = dc * f
// The layer loop, the head, the weight gradients and the layout are in
// recurrent_reference.hpp (the plain oracle) and recurrent_fast.hpp (the
// default); this file holds only the cell, once for each.
#include <seqlab/kernels/recurrent_fast.hpp>
#include <seqlab/kernels/recurrent_reference.hpp>

namespace {

using seqlab::Tensor2;
using seqlab::Tensor3;
using seqlab::recurrent::ReferenceCache;
using seqlab::recurrent::span;

// ReferenceCache::gates holds the activated gates (i, f, g, o) after forward, in place of a_t.
struct LstmCache : ReferenceCache {
  LstmCache(const seqlab::recurrent::Sizes& s, std::size_t batch, std::size_t steps) : ReferenceCache(s, batch, steps) {
    for (std::size_t l = 0; l < s.layers; ++l) {
      cell.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
      cell_tanh.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
    }
    grad_cell = Tensor2::from_shape({batch, s.hidden});
  }
  std::vector<Tensor3> cell;       // per layer (T, B, H): c_t
  std::vector<Tensor3> cell_tanh;  // per layer (T, B, H): tanh(c_t)
  Tensor2 grad_cell;               // (B, H): dL/dc carried from step t+1 to t
};

// The reference cell: the hooks of recurrent_reference.hpp, one step over all rows.
class LstmReference : public seqlab::recurrent::ReferenceModel {
 public:
  explicit LstmReference(const seqlab::PluginArgs& args) : ReferenceModel(args, "lstm", 4) {}

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<LstmCache>(sizes_, batch, steps);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache_base) const override {
    auto& cache = static_cast<LstmCache&>(cache_base);  // made by make_cache above
    const std::size_t h = sizes_.hidden;
    for (std::size_t r = 0; r < cache.batch; ++r) {
      float* i = ReferenceCache::at(cache.gates[layer], t) + r * 4 * h;
      float* f = i + h;
      float* g = i + 2 * h;
      float* o = i + 3 * h;
      auto sigmoid_if = span(i, 2 * h);  // i and f are adjacent
      auto tanh_g = span(g, h);
      auto sigmoid_o = span(o, h);
      xt::noalias(sigmoid_if) = 1.0f / (1.0f + xt::exp(-sigmoid_if));
      xt::noalias(tanh_g) = xt::tanh(tanh_g);
      xt::noalias(sigmoid_o) = 1.0f / (1.0f + xt::exp(-sigmoid_o));

      float* c = ReferenceCache::at(cache.cell[layer], t) + r * h;
      float* tc = ReferenceCache::at(cache.cell_tanh[layer], t) + r * h;
      float* h_out = ReferenceCache::at(cache.hidden[layer], t) + r * h;
      if (t == 0) {
        for (std::size_t k = 0; k < h; ++k) c[k] = i[k] * g[k];
      } else {
        const float* c_prev = ReferenceCache::at(cache.cell[layer], t - 1) + r * h;
        for (std::size_t k = 0; k < h; ++k) c[k] = f[k] * c_prev[k] + i[k] * g[k];
      }
      xt::noalias(span(tc, h)) = xt::tanh(span(c, h));
      for (std::size_t k = 0; k < h; ++k) h_out[k] = o[k] * tc[k];
    }
  }

  void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache_base) const override {
    auto& cache = static_cast<LstmCache&>(cache_base);
    const std::size_t h = sizes_.hidden;
    const bool last = t + 1 == cache.steps, first = t == 0;
    for (std::size_t r = 0; r < cache.batch; ++r) {
      const float* i = ReferenceCache::at(cache.gates[layer], t) + r * 4 * h;
      const float* f = i + h;
      const float* g = i + 2 * h;
      const float* o = i + 3 * h;
      const float* tc = ReferenceCache::at(cache.cell_tanh[layer], t) + r * h;
      const float* c_prev = first ? nullptr : ReferenceCache::at(cache.cell[layer], t - 1) + r * h;
      const float* dh = ReferenceCache::at(cache.grad_hidden, t) + r * h;
      float* dc_carry = cache.grad_cell.data() + r * h;
      float* da_i = ReferenceCache::at(cache.grad_gates, t) + r * 4 * h;
      float* da_f = da_i + h;
      float* da_g = da_i + 2 * h;
      float* da_o = da_i + 3 * h;
      for (std::size_t k = 0; k < h; ++k) {
        const float dc = (last ? 0.0f : dc_carry[k]) + dh[k] * o[k] * (1.0f - tc[k] * tc[k]);
        da_i[k] = dc * g[k] * i[k] * (1.0f - i[k]);
        da_f[k] = first ? 0.0f : dc * c_prev[k] * f[k] * (1.0f - f[k]);
        da_g[k] = dc * i[k] * (1.0f - g[k] * g[k]);
        da_o[k] = dh[k] * tc[k] * o[k] * (1.0f - o[k]);
        dc_carry[k] = dc * f[k];
      }
    }
  }
};

// The fast cell, for recurrent_fast.hpp: one SIMD batch (or one) of a row's units. Same equations as above.
struct LstmCell {
  static constexpr std::size_t kGates = 4;
  // A row's state is c_t, and up to hidden 64 also tanh(c_t), H floats further on (`tanh_at`), which
  // forward writes and backward reads; above, backward recomputes it. Training takes groups of
  // sequences through forward and backward in one pass, in buffers of about 1 MB: at hidden 32 and 64
  // they stay in L2 and keeping tanh(c_t) made epochs 1.5-5% faster; at 128 and 256, whose groups
  // are larger than L2, the extra memory traffic made them 2-4% slower (alternating runs, 1000 x 50).
  static constexpr std::size_t kKeepsTanhUpTo = 64;
  static constexpr std::size_t state_width(std::size_t hidden) { return hidden <= kKeepsTanhUpTo ? 2 : 1; }
  static constexpr bool kKeepsGates = true;

  // The fused forward tile (recurrent_fast.hpp) hands rows over in pairs: one row's activations are a
  // chain of some 30 dependent operations, and two rows' chains side by side hide each other's latency
  // (1.7% faster per seed epoch than a call per row, in 10 alternating runs; three rows were no faster).
  static constexpr bool kForwardsPairs = true;

  // Never inlined: inlined into the fused tile's finish (24 accumulators live, and the activations'
  // constants), it made the seed LSTM's epoch 7-13% slower in side-by-side runs; GCC chose either way
  // depending on unrelated code in the file.
  template <class V>
  [[gnu::noinline]] static void forward(V (&gate)[4], const float* c_prev, float* c, float* h_out,
                                        std::size_t tanh_at) {
    V row[1][4] = {{gate[0], gate[1], gate[2], gate[3]}};
    forward_rows<1>(row, {c_prev}, {c}, {h_out}, tanh_at);
    for (std::size_t q = 0; q < 4; ++q) gate[q] = row[0][q];
  }
  template <class V>
  [[gnu::noinline]] static void forward_pair(V (&gate)[2][4], const float* const (&c_prev)[2], float* const (&c)[2],
                                             float* const (&h_out)[2], std::size_t tanh_at) {
    forward_rows<2>(gate, c_prev, c, h_out, tanh_at);
  }
  // N rows, each operation for every row before the next. c_t = f c_{t-1} + i g as an explicit fma: left
  // to the compiler's contraction, a row's bits could depend on which of the two calls above it went through.
  template <std::size_t N, class V>
  [[gnu::always_inline]] static void forward_rows(V (&gate)[N][4], const float* const (&c_prev)[N],
                                                  float* const (&c)[N], float* const (&h_out)[N], std::size_t tanh_at) {
    namespace simd = seqlab::recurrent::simd;
    V cell[N];
    for (std::size_t n = 0; n < N; ++n) gate[n][0] = simd::sigmoid(gate[n][0]);
    for (std::size_t n = 0; n < N; ++n) gate[n][1] = simd::sigmoid(gate[n][1]);
    for (std::size_t n = 0; n < N; ++n) gate[n][2] = simd::tanh(gate[n][2]);
    for (std::size_t n = 0; n < N; ++n) gate[n][3] = simd::sigmoid(gate[n][3]);
    for (std::size_t n = 0; n < N; ++n) {
      const V ig = gate[n][0] * gate[n][2];
      cell[n] = c_prev[n] ? seqlab::recurrent::fast::fma(gate[n][1], simd::load(c_prev[n], V{}), ig) : ig;
      simd::store(c[n], cell[n]);
    }
    for (std::size_t n = 0; n < N; ++n) {
      const V tanh_cell = simd::tanh(cell[n]);
      if (tanh_at) simd::store(c[n] + tanh_at, tanh_cell);
      simd::store(h_out[n], gate[n][3] * tanh_cell);
    }
  }

  template <class V>
  static void backward(const V& d_h, V (&gate)[4], float* dc_carry, bool last, const float*, const float* c,
                       const float* c_prev, std::size_t tanh_at) {
    namespace simd = seqlab::recurrent::simd;
    const V one(1.0f);
    const V i = gate[0], f = gate[1], g = gate[2], o = gate[3];
    const V tc = tanh_at ? simd::load(c + tanh_at, V{}) : simd::tanh(simd::load(c, V{}));
    V dc = d_h * o * (one - tc * tc);
    if (!last) dc = dc + simd::load(dc_carry, V{});
    gate[0] = dc * g * i * (one - i);
    gate[1] = c_prev ? dc * simd::load(c_prev, V{}) * f * (one - f) : V(0.0f);
    gate[2] = dc * i * (one - g * g);
    gate[3] = d_h * tc * o * (one - o);
    simd::store(dc_carry, dc * f);
  }
};

class LstmModel : public seqlab::recurrent::DelegatingModel {
 public:
  static seqlab::PluginMeta meta() {
    return {"lstm", "LSTM + Linear head (torch.nn.LSTM + torch.nn.Linear)", seqlab::recurrent::schema()};
  }

  static seqlab::ModelPlan plan(const seqlab::PlanArgs& args) {
    return seqlab::recurrent::plan_memory<LstmCell>(args, 2);
  }

  explicit LstmModel(const seqlab::PluginArgs& args)
      : DelegatingModel(seqlab::recurrent::make_implementation<LstmCell, LstmReference>(args, "lstm")) {}
};

}  // namespace

SEQLAB_PLUGIN(LstmModel)
