// Model plugin `gru`: stacked GRU + Linear head, as torch.nn.GRU(batch_first=True) + nn.Linear.
//
// Per layer, step t (x_t: the inputs, or the layer below's h_t; h_{-1} = 0), gates
// in PyTorch's order r, z, n, each a block of H rows of W_ih (3H, I or H), W_hh (3H, H)
// and of b_ih, b_hh (3H):
//   r   = sigmoid(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)
//   z   = sigmoid(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)
//   hn  = h_{t-1} W_hn^T + b_hn                 (kept: b_hn is inside the reset product)
//   n   = tanh(x_t W_in^T + b_in + r * hn)
//   h_t = (1 - z) * n + z * h_{t-1}
// Backward, given dh_t (from above and through W_hh from step t+1) plus the direct
// path dh_{t+1} * z_{t+1} carried from step t+1 (zero at t = T-1), with d = their sum:
//   da_n = d * (1 - z) * (1 - n^2)                dL/d(x W_in^T + b_in)
//   dhn  = da_n * r                               dL/d(h W_hn^T + b_hn)
//   da_r = da_n * hn * r (1 - r)    da_z = d * (h_{t-1} - n) * z (1 - z)
//   carried to t-1: d * z
// so W_ih, b_ih and dx take [da_r, da_z, da_n], and W_hh, b_hh and dh_{t-1} take
// [da_r, da_z, dhn]. The layer loop, the head, the weight gradients and dropout are
// in recurrent_reference.hpp (the plain oracle, with split_recurrent) and gru_fast.hpp
// (the default); this file holds the reference cell and the plugin.
#include <seqlab/kernels/gru_fast.hpp>
#include <seqlab/kernels/recurrent_reference.hpp>

namespace {

using seqlab::Tensor2;
using seqlab::recurrent::ReferenceCache;

struct GruCache : ReferenceCache {
  GruCache(const seqlab::recurrent::Sizes& s, std::size_t batch, std::size_t steps)
      : ReferenceCache(s, batch, steps, true), grad_carry(Tensor2::from_shape({batch, s.hidden})) {}
  Tensor2 grad_carry;  // (B, H): dL/dh_t's direct path, carried from step t+1 to t
};

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// The reference cell: the hooks of recurrent_reference.hpp, one step over all rows, in plain
// scalar loops and libm's exp and tanh. ReferenceCache::gates holds the activated r, z, n after
// forward (in place of the input part); cache.recurrent keeps the recurrent part, hn among it.
class GruReference : public seqlab::recurrent::ReferenceModel {
 public:
  explicit GruReference(const seqlab::PluginArgs& args) : ReferenceModel(args, "gru", 3, true) {}

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<GruCache>(sizes_, batch, steps);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t h = sizes_.hidden;
    for (std::size_t row = 0; row < cache.batch; ++row) {
      float* a = ReferenceCache::at(cache.gates[layer], t) + row * 3 * h;
      const float* rec = ReferenceCache::at(cache.recurrent[layer], t) + row * 3 * h;
      const float* h_prev = t > 0 ? ReferenceCache::at(cache.hidden[layer], t - 1) + row * h : nullptr;
      float* h_out = ReferenceCache::at(cache.hidden[layer], t) + row * h;
      for (std::size_t k = 0; k < h; ++k) {
        const float r = sigmoid(a[k] + rec[k]);
        const float z = sigmoid(a[h + k] + rec[h + k]);
        const float n = std::tanh(a[2 * h + k] + r * rec[2 * h + k]);
        h_out[k] = (1.0f - z) * n + z * (h_prev ? h_prev[k] : 0.0f);
        a[k] = r;
        a[h + k] = z;
        a[2 * h + k] = n;
      }
    }
  }

  void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache_base) const override {
    auto& cache = static_cast<GruCache&>(cache_base);  // made by make_cache above
    const std::size_t h = sizes_.hidden;
    const bool last = t + 1 == cache.steps;
    for (std::size_t row = 0; row < cache.batch; ++row) {
      const std::size_t offset = row * 3 * h;
      const float* gates = ReferenceCache::at(cache.gates[layer], t) + offset;
      const float* rec = ReferenceCache::at(cache.recurrent[layer], t) + offset;
      const float* h_prev = t > 0 ? ReferenceCache::at(cache.hidden[layer], t - 1) + row * h : nullptr;
      const float* dh = ReferenceCache::at(cache.grad_hidden, t) + row * h;
      float* carry = cache.grad_carry.data() + row * h;
      float* da = ReferenceCache::at(cache.grad_gates, t) + offset;
      float* dr = ReferenceCache::at(cache.grad_recurrent, t) + offset;
      for (std::size_t k = 0; k < h; ++k) {
        const float r = gates[k], z = gates[h + k], n = gates[2 * h + k];
        const float d = dh[k] + (last ? 0.0f : carry[k]);
        const float da_n = d * (1.0f - z) * (1.0f - n * n);
        da[k] = dr[k] = da_n * rec[2 * h + k] * r * (1.0f - r);
        da[h + k] = dr[h + k] = d * ((h_prev ? h_prev[k] : 0.0f) - n) * z * (1.0f - z);
        da[2 * h + k] = da_n;
        dr[2 * h + k] = da_n * r;
        carry[k] = d * z;
      }
    }
  }
};

class GruModel : public seqlab::recurrent::DelegatingModel {
 public:
  static seqlab::PluginMeta meta() {
    return {"gru", "GRU + Linear head (torch.nn.GRU + torch.nn.Linear)", seqlab::recurrent::schema()};
  }

  // Fast: gates (r, z, hn), state (n); reference: no state but the recurrent part apart.
  static seqlab::ModelPlan plan(const seqlab::PlanArgs& args) {
    return seqlab::recurrent::plan_memory(args, 3, 1, 0, true);
  }

  explicit GruModel(const seqlab::PluginArgs& args) : DelegatingModel(make(args)) {}

 private:
  static std::unique_ptr<seqlab::Model> make(const seqlab::PluginArgs& args) {
    if (args.params.text("kernel") == "reference") return std::make_unique<GruReference>(args);
    return std::make_unique<seqlab::recurrent::GruFast>(args);
  }
};

}  // namespace

SEQLAB_PLUGIN(GruModel)
