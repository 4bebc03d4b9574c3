// Model plugin `lag_linear`: a linear autoregression on the last `window` input steps.
//
// For each predicted step s (the last input step T-1 when the dataset predicts one
// step, else every step s = t), with x_{t} = 0 for t < 0:
//   y_s = b + W [x_t; x_{t-1}; ...; x_{t-K+1}]        W (O, K*I), b (O), K = window
// i.e. torch.nn.Linear(K*I, O) on the window, most recent step first. Backward,
// given dy_s:  dW[o, k*I+i] = sum_{n,s} dy[n,s,o] x[n,t-k,i],  db[o] = sum_{n,s} dy[n,s,o].
// Two steps of a sine wave determine the next, so window 2 fits the sine dataset exactly.
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

class LagLinearModel : public seqlab::Model {
 public:
  static seqlab::PluginMeta meta() {
    return {"lag_linear",
            "Linear autoregression on the last `window` input steps (torch.nn.Linear on a window)",
            {seqlab::integer("window", 2, "input steps each prediction sees, the most recent first").at_least(1),
             seqlab::choice("head", {"auto", "last", "sequence"}, "auto",
                            "predict the last step or every step; auto: as the dataset's targets")}};
  }

  explicit LagLinearModel(const seqlab::PluginArgs& args)
      : window_(static_cast<std::size_t>(args.params.integer("window"))),
        inputs_(args.shape.input_size),
        outputs_(args.shape.output_size),
        every_step_(args.shape.target_steps != 1) {
    // The head follows the data (ModelShape::target_steps: 1, or every one of `steps`). A head the user
    // chose that cannot fit the targets is a ParamError on that parameter: seqlab reports it at the
    // experiment's `model.head` line, before anything trains.
    const std::string& head = args.params.text("head");
    if (head == "last" && every_step_)
      throw seqlab::ParamError("head", "head 'last' predicts one step, but the dataset has " +
                                           std::to_string(args.shape.target_steps) + " target steps (use auto)");
    if (head == "sequence" && !every_step_)
      throw seqlab::ParamError("head",
                               "head 'sequence' predicts every step, but the dataset has one target step "
                               "(use auto)");
    params_.emplace_back("fc.weight", std::vector<std::size_t>{outputs_, window_ * inputs_});
    params_.emplace_back("fc.bias", std::vector<std::size_t>{outputs_});
    // PyTorch's nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const double bound = 1.0 / std::sqrt(static_cast<double>(window_ * inputs_));
    for (auto& p : params_)
      for (auto& v : p.value) v = static_cast<float>(args.random.uniform(-bound, bound));
  }

  std::vector<seqlab::Parameter>& parameters() override { return params_; }

  std::size_t output_steps(std::size_t steps) const override { return every_step_ ? steps : 1; }

  std::unique_ptr<seqlab::ModelCache> make_cache(std::size_t, std::size_t) const override {
    return std::make_unique<seqlab::ModelCache>();  // backward needs only the inputs
  }

  void forward(const seqlab::Tensor3& x, seqlab::ModelCache&, seqlab::Tensor3& y) override {
    const std::size_t batch = x.shape()[0], steps = x.shape()[1], out_steps = output_steps(steps);
    y.resize({batch, out_steps, outputs_});
    const float* w = params_[0].value.data();
    const float* b = params_[1].value.data();
    for (std::size_t n = 0; n < batch; ++n)
      for (std::size_t s = 0; s < out_steps; ++s) {
        const std::size_t t = every_step_ ? s : steps - 1;
        for (std::size_t o = 0; o < outputs_; ++o) {
          float sum = b[o];
          for (std::size_t k = 0; k < window_ && k <= t; ++k)
            for (std::size_t i = 0; i < inputs_; ++i)
              sum += w[o * window_ * inputs_ + k * inputs_ + i] * x(n, t - k, i);
          y(n, s, o) = sum;
        }
      }
  }

  void backward(const seqlab::Tensor3& x, seqlab::ModelCache&, const seqlab::Tensor3& dy) override {
    const std::size_t batch = x.shape()[0], steps = x.shape()[1], out_steps = output_steps(steps);
    float* dw = params_[0].grad.data();
    float* db = params_[1].grad.data();
    params_[0].grad.fill(0.0f);  // backward writes the gradients, it does not accumulate
    params_[1].grad.fill(0.0f);
    for (std::size_t n = 0; n < batch; ++n)
      for (std::size_t s = 0; s < out_steps; ++s) {
        const std::size_t t = every_step_ ? s : steps - 1;
        for (std::size_t o = 0; o < outputs_; ++o) {
          const float g = dy(n, s, o);
          db[o] += g;
          for (std::size_t k = 0; k < window_ && k <= t; ++k)
            for (std::size_t i = 0; i < inputs_; ++i) dw[o * window_ * inputs_ + k * inputs_ + i] += g * x(n, t - k, i);
        }
      }
  }

 private:
  std::size_t window_, inputs_, outputs_;
  bool every_step_;
  std::vector<seqlab::Parameter> params_;  // fc.weight, fc.bias
};

}  // namespace

SEQLAB_PLUGIN(LagLinearModel)
