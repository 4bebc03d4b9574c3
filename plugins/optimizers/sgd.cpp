// Optimizer plugin `sgd`: stochastic gradient descent with momentum, as torch.optim.SGD.
#include <seqlab/plugin.hpp>

#include "state_io.hpp"

namespace {

// g <- grad + weight_decay * p;  b <- g on the first step, else momentum * b + (1 - dampening) g
// p <- p - lr * (nesterov ? g + momentum * b : b)     (b = g when momentum is 0)
class SgdOptimizer : public seqlab::Optimizer {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"sgd",
            "Stochastic gradient descent with optional momentum (torch.optim.SGD)",
            {real("lr", 0.01, "learning rate").above(0), real("momentum", 0.0, "momentum factor").between(0, 1),
             real("dampening", 0.0, "dampening of the momentum's gradient term").between(0, 1),
             real("weight_decay", 0.0, "L2 penalty added to the gradient").at_least(0),
             boolean("nesterov", false, "use Nesterov momentum (needs momentum > 0, dampening 0)")}};
  }

  // A momentum buffer per value, when there is momentum.
  static seqlab::OptimizerPlan plan(const seqlab::PlanArgs& args) {
    return {args.params.real("momentum") != 0.0 ? sizeof(float) : 0.0};
  }

  explicit SgdOptimizer(const seqlab::PluginArgs& args)
      : lr_(args.params.real("lr")),
        momentum_(args.params.real("momentum")),
        dampening_(args.params.real("dampening")),
        weight_decay_(args.params.real("weight_decay")),
        nesterov_(args.params.boolean("nesterov")) {
    if (nesterov_ && (momentum_ <= 0.0 || dampening_ != 0.0))
      throw seqlab::ParamError("nesterov", "nesterov needs momentum > 0 and dampening 0");
  }

  void step(std::vector<seqlab::Parameter>& parameters) override {
    const bool first = buffers_.empty();  // also the first step with momentum, when a scheduler turned it on
    if (first && momentum_ != 0.0)
      for (const auto& p : parameters) buffers_.push_back(seqlab::Tensor1::from_shape({p.size()}));
    if (momentum_ != 0.0) seqlab::optimizers::check_buffers("momentum_buffer", buffers_, parameters);
    const float lr = static_cast<float>(lr_), mu = static_cast<float>(momentum_);
    const float keep = static_cast<float>(1.0 - dampening_), decay = static_cast<float>(weight_decay_);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      float* p = parameters[i].value.data();
      const float* grad = parameters[i].grad.data();
      float* b = momentum_ != 0.0 ? buffers_[i].data() : nullptr;
      for (std::size_t k = 0, n = parameters[i].size(); k < n; ++k) {
        float g = grad[k] + decay * p[k];
        if (b) {
          b[k] = first ? g : mu * b[k] + keep * g;
          g = nesterov_ ? g + mu * b[k] : b[k];
        }
        p[k] -= lr * g;
      }
    }
  }

  double learning_rate() const override { return lr_; }
  void set_learning_rate(double lr) override { lr_ = lr; }
  // A scheduler's (onecycle): with momentum 0 until now there is no buffer yet, and the next step starts
  // one from its gradient, as torch.optim.SGD does.
  std::optional<double> momentum() const override { return momentum_; }
  void set_momentum(double momentum) override { momentum_ = momentum; }

  seqlab::PluginState state() const override {
    seqlab::PluginState state;
    seqlab::optimizers::save_buffers("momentum_buffer", buffers_, state);
    return state;
  }
  void load_state(const seqlab::PluginState& state) override {
    buffers_ = seqlab::optimizers::load_buffers("momentum_buffer", state);
  }

 private:
  double lr_, momentum_, dampening_, weight_decay_;
  bool nesterov_;
  std::vector<seqlab::Tensor1> buffers_;  // keyed by parameter index
};

}  // namespace

SEQLAB_PLUGIN(SgdOptimizer)
