// Model plugin `rnn`: stacked tanh RNN + Linear head, as nn.RNN(batch_first=True) + nn.Linear.
//
// Per layer, step t (x_t: the inputs, or the layer below's h_t; h_{-1} = 0):
//   a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh      W_ih (H, I or H), W_hh (H, H)
//   h_t = tanh(a_t)
// Backward, given dh_t (from above and from step t+1):
//   da_t = dh_t * (1 - h_t^2)
// The layer loop, the head, the weight gradients and the layout are in
// recurrent_reference.hpp (the plain oracle) and recurrent_fast.hpp (the
// default); this file holds only the cell, once for each.
#include <seqlab/kernels/recurrent_fast.hpp>
#include <seqlab/kernels/recurrent_reference.hpp>

namespace {

using seqlab::recurrent::ReferenceCache;
using seqlab::recurrent::span;

// The reference cell: the hooks of recurrent_reference.hpp, one step over all rows.
class RnnReference : public seqlab::recurrent::ReferenceModel {
 public:
  explicit RnnReference(const seqlab::PluginArgs& args) : ReferenceModel(args, "rnn", 1) {}

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<ReferenceCache>(sizes_, batch, steps);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    xt::noalias(span(ReferenceCache::at(cache.hidden[layer], t), n)) =
        xt::tanh(span(ReferenceCache::at(cache.gates[layer], t), n));
  }

  void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    const float* h = ReferenceCache::at(cache.hidden[layer], t);
    const float* dh = ReferenceCache::at(cache.grad_hidden, t);
    float* da = ReferenceCache::at(cache.grad_gates, t);
    for (std::size_t k = 0; k < n; ++k) da[k] = dh[k] * (1.0f - h[k] * h[k]);
  }
};

// The fast cell, for recurrent_fast.hpp: one SIMD batch (or one) of a row's units. Same equations.
struct RnnCell {
  static constexpr std::size_t kGates = 1;
  static constexpr std::size_t state_width(std::size_t) { return 0; }  // no state beyond h
  static constexpr bool kKeepsGates = false;                           // backward needs h_t alone
  static constexpr bool kForwardsPairs = false;                        // one tanh per unit: nothing to interleave

  template <class V>
  static void forward(V (&a)[1], const float*, float*, float* h_out, std::size_t) {
    seqlab::recurrent::simd::store(h_out, seqlab::recurrent::simd::tanh(a[0]));
  }

  template <class V>
  static void backward(const V& d_h, V (&a)[1], float*, bool, const float* h_t, const float*, const float*,
                       std::size_t) {
    const V y = seqlab::recurrent::simd::load(h_t, V{});
    a[0] = d_h * (V(1.0f) - y * y);
  }
};

class RnnModel : public seqlab::recurrent::DelegatingModel {
 public:
  static seqlab::PluginMeta meta() {
    return {"rnn", "Elman RNN (tanh) + Linear head (torch.nn.RNN + torch.nn.Linear)", seqlab::recurrent::schema()};
  }

  static seqlab::ModelPlan plan(const seqlab::PlanArgs& args) {
    return seqlab::recurrent::plan_memory<RnnCell>(args, 0);
  }

  explicit RnnModel(const seqlab::PluginArgs& args)
      : DelegatingModel(seqlab::recurrent::make_implementation<RnnCell, RnnReference>(args, "rnn")) {}
};

}  // namespace

SEQLAB_PLUGIN(RnnModel)
