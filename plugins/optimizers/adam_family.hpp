// What `adam` and `adamw` share: the moments, their bias correction and the saved state.
//
// Per value, step t (from 1), g = grad:
//   adam:  g <- g + weight_decay * p                    (L2 penalty in the gradient)
//   adamw: p <- p * (1 - lr * weight_decay)             (decoupled decay, before the update)
//   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
//   p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// step for step as torch.optim.Adam / torch.optim.AdamW (1.13, the single-tensor path).
#pragma once

#include <cmath>
#include <seqlab/plugin.hpp>
#include <string>

#include "state_io.hpp"

namespace seqlab::optimizers {

enum class Decay { l2, decoupled };

inline ParamSchema adam_schema(double default_weight_decay, const char* weight_decay_help) {
  return {real("lr", 0.001, "learning rate").above(0),
          real_list("betas", {0.9, 0.999}, 2, "decay rates of the first and second moments, each in [0, 1)"),
          real("eps", 1e-8, "added to the denominator for stability").above(0),
          real("weight_decay", default_weight_decay, weight_decay_help).at_least(0)};
}

class AdamFamily : public Optimizer {
 public:
  // Two moments per value.
  static OptimizerPlan plan(const PlanArgs&) { return {2 * sizeof(float)}; }

  AdamFamily(const PluginArgs& args, Decay decay)
      : decay_(decay),
        lr_(args.params.real("lr")),
        beta1_(args.params.real_list("betas")[0]),
        beta2_(args.params.real_list("betas")[1]),
        eps_(args.params.real("eps")),
        weight_decay_(args.params.real("weight_decay")) {
    for (double beta : args.params.real_list("betas"))
      if (!(beta >= 0.0 && beta < 1.0))
        throw ParamError("betas", "each beta must be in [0, 1), got " + std::to_string(beta));
  }

  void step(std::vector<Parameter>& parameters) override {
    if (first_moment_.empty()) {
      for (const auto& p : parameters) {
        first_moment_.push_back(Tensor1(xt::zeros<float>({p.size()})));
        second_moment_.push_back(Tensor1(xt::zeros<float>({p.size()})));
      }
    }
    check_buffers("exp_avg", first_moment_, parameters);
    check_buffers("exp_avg_sq", second_moment_, parameters);
    ++steps_;
    const double correction1 = 1.0 - std::pow(beta1_, static_cast<double>(steps_));
    const double correction2_sqrt = std::sqrt(1.0 - std::pow(beta2_, static_cast<double>(steps_)));
    const float step_size = static_cast<float>(lr_ / correction1);
    // (1 - beta) and (1 - lr * weight_decay) are formed in double and rounded once, as torch does
    // with its scalar arguments.
    const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
    const float one_minus_b1 = static_cast<float>(1.0 - beta1_);
    const float one_minus_b2 = static_cast<float>(1.0 - beta2_);
    const float l2 = decay_ == Decay::l2 ? static_cast<float>(weight_decay_) : 0.0f;
    const float shrink = static_cast<float>(1.0 - lr_ * weight_decay_);
    const bool decoupled = decay_ == Decay::decoupled && weight_decay_ != 0.0;
    const float eps = static_cast<float>(eps_);
    const float c2 = static_cast<float>(correction2_sqrt);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      float* p = parameters[i].value.data();
      const float* grad = parameters[i].grad.data();
      float* m = first_moment_[i].data();
      float* v = second_moment_[i].data();
      for (std::size_t k = 0, n = parameters[i].size(); k < n; ++k) {
        if (decoupled) p[k] *= shrink;
        const float g = grad[k] + l2 * p[k];
        m[k] = b1 * m[k] + one_minus_b1 * g;
        v[k] = b2 * v[k] + one_minus_b2 * g * g;
        p[k] -= step_size * (m[k] / (std::sqrt(v[k]) / c2 + eps));
      }
    }
  }

  double learning_rate() const override { return lr_; }
  void set_learning_rate(double lr) override { lr_ = lr; }
  // The first beta, as torch's OneCycleLR cycles betas[0]; the bias correction uses the beta of each step.
  std::optional<double> momentum() const override { return beta1_; }
  void set_momentum(double momentum) override { beta1_ = momentum; }

  PluginState state() const override {
    PluginState state{{"step", {static_cast<double>(steps_)}}};
    save_buffers("exp_avg", first_moment_, state);
    save_buffers("exp_avg_sq", second_moment_, state);
    return state;
  }

  void load_state(const PluginState& state) override {
    steps_ = static_cast<long>(state_entry(state, "step", 1)[0]);
    first_moment_ = load_buffers("exp_avg", state);
    second_moment_ = load_buffers("exp_avg_sq", state);
  }

 private:
  Decay decay_;
  double lr_, beta1_, beta2_, eps_, weight_decay_;
  long steps_ = 0;
  std::vector<Tensor1> first_moment_, second_moment_;  // keyed by parameter index
};

}  // namespace seqlab::optimizers
