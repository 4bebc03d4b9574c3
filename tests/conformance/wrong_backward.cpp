// A model plugin with a deliberate bug: the sign of fc.bias's gradient is flipped. `seqlab check` must say so.
#include <seqlab/plugin.hpp>

namespace {

// y[n, t] = W x[n, s(t)] + b, where s(t) is the last step (one predicted step)
// or t itself (every step predicted). dL/dW = sum g x^T is right; dL/db should
// be sum g but is written as -sum g.
class WrongBackward : public seqlab::Model {
 public:
  static seqlab::PluginMeta meta() {
    return {
        "wrong_backward", "Linear on each predicted step, with the sign of fc.bias's gradient flipped (a test)", {}};
  }

  explicit WrongBackward(const seqlab::PluginArgs& args)
      : input_(args.shape.input_size), output_(args.shape.output_size), every_step_(args.shape.target_steps > 1) {
    parameters_.emplace_back("fc.weight", std::vector<std::size_t>{output_, input_});
    parameters_.emplace_back("fc.bias", std::vector<std::size_t>{output_});
    for (auto& p : parameters_)
      for (auto& v : p.value) v = static_cast<float>(args.random.uniform(-0.5, 0.5));
  }

  std::vector<seqlab::Parameter>& parameters() override { return parameters_; }
  std::size_t output_steps(std::size_t steps) const override { return every_step_ ? steps : 1; }
  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t, std::size_t) const override {
    return std::make_unique<seqlab::ModelCache>();
  }

  void forward(const seqlab::Tensor3& inputs, seqlab::ModelCache&, seqlab::Tensor3& outputs) override {
    const std::size_t batch = inputs.shape()[0], steps = inputs.shape()[1], out_steps = output_steps(steps);
    outputs.resize({batch, out_steps, output_});
    const auto& w = parameters_[0].value;
    const auto& b = parameters_[1].value;
    for (std::size_t n = 0; n < batch; ++n)
      for (std::size_t t = 0; t < out_steps; ++t) {
        const std::size_t s = every_step_ ? t : steps - 1;
        for (std::size_t o = 0; o < output_; ++o) {
          float sum = b[o];
          for (std::size_t i = 0; i < input_; ++i) sum += w[o * input_ + i] * inputs(n, s, i);
          outputs(n, t, o) = sum;
        }
      }
  }

  void backward(const seqlab::Tensor3& inputs, seqlab::ModelCache&, const seqlab::Tensor3& grad_outputs) override {
    const std::size_t batch = inputs.shape()[0], steps = inputs.shape()[1], out_steps = output_steps(steps);
    auto& dw = parameters_[0].grad;
    auto& db = parameters_[1].grad;
    dw.fill(0.0f);
    db.fill(0.0f);
    for (std::size_t n = 0; n < batch; ++n)
      for (std::size_t t = 0; t < out_steps; ++t) {
        const std::size_t s = every_step_ ? t : steps - 1;
        for (std::size_t o = 0; o < output_; ++o) {
          const float g = grad_outputs(n, t, o);
          db[o] -= g;  // the bug: should be +=
          for (std::size_t i = 0; i < input_; ++i) dw[o * input_ + i] += g * inputs(n, s, i);
        }
      }
  }

 private:
  std::size_t input_, output_;
  bool every_step_;
  std::vector<seqlab::Parameter> parameters_;
};

}  // namespace

SEQLAB_PLUGIN(WrongBackward)
