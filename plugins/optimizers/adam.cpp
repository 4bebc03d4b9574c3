// Optimizer plugin `adam`: Adam with L2 weight decay, step for step as torch.optim.Adam.
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// g <- grad + weight_decay * p;  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
// p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
class AdamOptimizer : public seqlab::Optimizer {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"adam",
            "Adam (torch.optim.Adam): adaptive moments with bias correction",
            {real("lr", 0.001, "learning rate").above(0),
             real_list("betas", {0.9, 0.999}, 2, "decay rates of the first and second moments, each in [0, 1)"),
             real("eps", 1e-8, "added to the denominator for stability").above(0),
             real("weight_decay", 0.0, "L2 penalty added to the gradient").at_least(0)}};
  }

  // Two moments per value.
  static seqlab::OptimizerPlan plan(const seqlab::PlanArgs&) { return {2 * sizeof(float)}; }

  explicit AdamOptimizer(const seqlab::PluginArgs& args)
      : lr_(args.params.real("lr")),
        beta1_(args.params.real_list("betas")[0]),
        beta2_(args.params.real_list("betas")[1]),
        eps_(args.params.real("eps")),
        weight_decay_(args.params.real("weight_decay")) {
    for (double beta : args.params.real_list("betas"))
      if (!(beta >= 0.0 && beta < 1.0))
        throw seqlab::ParamError("betas", "each beta must be in [0, 1), got " + std::to_string(beta));
  }

  void step(std::vector<seqlab::Parameter>& parameters) override {
    if (first_moment_.empty()) {
      for (const auto& p : parameters) {
        first_moment_.push_back(seqlab::Tensor1(xt::zeros<float>({p.size()})));
        second_moment_.push_back(seqlab::Tensor1(xt::zeros<float>({p.size()})));
      }
    }
    ++steps_;
    const double correction1 = 1.0 - std::pow(beta1_, static_cast<double>(steps_));
    const double correction2_sqrt = std::sqrt(1.0 - std::pow(beta2_, static_cast<double>(steps_)));
    const float step_size = static_cast<float>(lr_ / correction1);
    // (1 - beta) is formed in double and rounded once, as torch does with its scalar arguments.
    const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
    const float one_minus_b1 = static_cast<float>(1.0 - beta1_);
    const float one_minus_b2 = static_cast<float>(1.0 - beta2_);
    const float decay = static_cast<float>(weight_decay_);
    const float eps = static_cast<float>(eps_);
    const float c2 = static_cast<float>(correction2_sqrt);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      float* p = parameters[i].value.data();
      const float* grad = parameters[i].grad.data();
      float* m = first_moment_[i].data();
      float* v = second_moment_[i].data();
      for (std::size_t k = 0, n = parameters[i].size(); k < n; ++k) {
        const float g = grad[k] + decay * p[k];
        m[k] = b1 * m[k] + one_minus_b1 * g;
        v[k] = b2 * v[k] + one_minus_b2 * g * g;
        p[k] -= step_size * (m[k] / (std::sqrt(v[k]) / c2 + eps));
      }
    }
  }

  double learning_rate() const override { return lr_; }

 private:
  double lr_, beta1_, beta2_, eps_, weight_decay_;
  long steps_ = 0;
  std::vector<seqlab::Tensor1> first_moment_, second_moment_;  // keyed by parameter index
};

}  // namespace

SEQLAB_PLUGIN(AdamOptimizer)
