// Model plugin `rnn`: stacked tanh RNN + Linear head, as nn.RNN(batch_first=True) + nn.Linear.
//
// Per layer, step t (x_t: the inputs, or the layer below's h_t; h_{-1} = 0):
//   a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh      W_ih (H, I or H), W_hh (H, H)
//   h_t = tanh(a_t)
// Backward, given dh_t (from above and from step t+1):
//   da_t = dh_t * (1 - h_t^2)
// The layer loop, the head, the weight gradients and the time-major layout are
// in recurrent_common.hpp.
#include "recurrent_common.hpp"

namespace {

using seqlab::recurrent::Cache;
using seqlab::recurrent::span;

class RnnModel : public seqlab::recurrent::RecurrentModel {
 public:
  static seqlab::PluginMeta meta() {
    return {"rnn", "Elman RNN (tanh) + Linear head (torch.nn.RNN + torch.nn.Linear)", seqlab::recurrent::schema()};
  }

  explicit RnnModel(const seqlab::PluginArgs& args) : RecurrentModel(args, "rnn", 1) {}

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<Cache>(sizes_, batch, steps);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, Cache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    xt::noalias(span(Cache::at(cache.hidden[layer], t), n)) = xt::tanh(span(Cache::at(cache.gates[layer], t), n));
  }

  void backward_step(std::size_t layer, std::size_t t, Cache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    const float* h = Cache::at(cache.hidden[layer], t);
    const float* dh = Cache::at(cache.grad_hidden, t);
    float* da = Cache::at(cache.grad_gates, t);
    for (std::size_t k = 0; k < n; ++k) da[k] = dh[k] * (1.0f - h[k] * h[k]);
  }
};

}  // namespace

SEQLAB_PLUGIN(RnnModel)
