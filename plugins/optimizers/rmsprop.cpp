// Optimizer plugin `rmsprop`: RMSprop, step for step as torch.optim.RMSprop.
#include <cmath>
#include <seqlab/plugin.hpp>

#include "state_io.hpp"

namespace {

// g <- grad + weight_decay * p;  v <- alpha v + (1 - alpha) g^2
// centered: a <- alpha a + (1 - alpha) g;  d = sqrt(v - a^2) + eps;  else d = sqrt(v) + eps
// momentum > 0: b <- momentum b + g / d;  p <- p - lr b;  else p <- p - lr g / d
class RmspropOptimizer : public seqlab::Optimizer {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"rmsprop",
            "RMSprop (torch.optim.RMSprop): steps scaled by a running mean of squared gradients",
            {real("lr", 0.01, "learning rate").above(0),
             real("alpha", 0.99, "decay rate of the running mean of squared gradients").between(0, 1),
             real("eps", 1e-8, "added to the denominator for stability").above(0),
             real("weight_decay", 0.0, "L2 penalty added to the gradient").at_least(0),
             real("momentum", 0.0, "momentum factor").between(0, 1),
             boolean("centered", false, "divide by the gradient's estimated variance instead of its mean square")}};
  }

  // The mean square, plus the momentum buffer and the mean gradient when they are on.
  static seqlab::OptimizerPlan plan(const seqlab::PlanArgs& args) {
    const double buffers =
        1.0 + (args.params.real("momentum") > 0.0 ? 1.0 : 0.0) + (args.params.boolean("centered") ? 1.0 : 0.0);
    return {buffers * sizeof(float)};
  }

  explicit RmspropOptimizer(const seqlab::PluginArgs& args)
      : lr_(args.params.real("lr")),
        alpha_(args.params.real("alpha")),
        eps_(args.params.real("eps")),
        weight_decay_(args.params.real("weight_decay")),
        momentum_(args.params.real("momentum")),
        centered_(args.params.boolean("centered")) {}

  void step(std::vector<seqlab::Parameter>& parameters) override {
    using seqlab::optimizers::check_buffers;
    if (square_avg_.empty()) {
      for (const auto& p : parameters) {
        square_avg_.push_back(seqlab::Tensor1(xt::zeros<float>({p.size()})));
        if (centered_) grad_avg_.push_back(seqlab::Tensor1(xt::zeros<float>({p.size()})));
      }
    }
    // From the first step with momentum: a scheduler (onecycle) may turn it on after the first.
    if (momentum_ > 0.0 && momentum_buffer_.empty())
      for (const auto& p : parameters) momentum_buffer_.push_back(seqlab::Tensor1(xt::zeros<float>({p.size()})));
    check_buffers("square_avg", square_avg_, parameters);
    if (momentum_ > 0.0) check_buffers("momentum_buffer", momentum_buffer_, parameters);
    if (centered_) check_buffers("grad_avg", grad_avg_, parameters);
    const float lr = static_cast<float>(lr_), alpha = static_cast<float>(alpha_);
    const float one_minus_alpha = static_cast<float>(1.0 - alpha_);  // rounded once, as torch's scalar argument
    const float eps = static_cast<float>(eps_), decay = static_cast<float>(weight_decay_);
    const float mu = static_cast<float>(momentum_);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      float* p = parameters[i].value.data();
      const float* grad = parameters[i].grad.data();
      float* v = square_avg_[i].data();
      float* b = momentum_ > 0.0 ? momentum_buffer_[i].data() : nullptr;
      float* a = centered_ ? grad_avg_[i].data() : nullptr;
      for (std::size_t k = 0, n = parameters[i].size(); k < n; ++k) {
        const float g = grad[k] + decay * p[k];
        v[k] = alpha * v[k] + one_minus_alpha * g * g;
        float d;
        if (a) {
          a[k] = alpha * a[k] + one_minus_alpha * g;
          d = std::sqrt(v[k] - a[k] * a[k]) + eps;
        } else {
          d = std::sqrt(v[k]) + eps;
        }
        if (b) {
          b[k] = mu * b[k] + g / d;
          p[k] -= lr * b[k];
        } else {
          p[k] -= lr * (g / d);
        }
      }
    }
  }

  double learning_rate() const override { return lr_; }
  void set_learning_rate(double lr) override { lr_ = lr; }
  std::optional<double> momentum() const override { return momentum_; }
  void set_momentum(double momentum) override { momentum_ = momentum; }

  seqlab::PluginState state() const override {
    seqlab::PluginState state;
    seqlab::optimizers::save_buffers("square_avg", square_avg_, state);
    seqlab::optimizers::save_buffers("momentum_buffer", momentum_buffer_, state);
    seqlab::optimizers::save_buffers("grad_avg", grad_avg_, state);
    return state;
  }
  void load_state(const seqlab::PluginState& state) override {
    square_avg_ = seqlab::optimizers::load_buffers("square_avg", state);
    momentum_buffer_ = seqlab::optimizers::load_buffers("momentum_buffer", state);
    grad_avg_ = seqlab::optimizers::load_buffers("grad_avg", state);
  }

 private:
  double lr_, alpha_, eps_, weight_decay_, momentum_;
  bool centered_;
  std::vector<seqlab::Tensor1> square_avg_, momentum_buffer_, grad_avg_;  // keyed by parameter index
};

}  // namespace

SEQLAB_PLUGIN(RmspropOptimizer)
