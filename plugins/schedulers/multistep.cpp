// Scheduler plugin `multistep`: the rate times gamma at each milestone epoch, as
// torch.optim.lr_scheduler.MultiStepLR.
#include <cmath>
#include <seqlab/plugin.hpp>
#include <sstream>

namespace {

seqlab::ParamSpec required(seqlab::ParamSpec spec) {
  spec.default_value.reset();
  return spec;
}

std::string shown(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// After k epochs: lr = base * gamma^(the number of milestones <= k)
class MultistepScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"multistep",
            "multiply the rate by gamma when each milestone epoch ends (torch.optim.lr_scheduler.MultiStepLR)",
            {required(real_list("milestones", {}, 0, "epochs after which the rate decays, e.g. [30, 80]")),
             real("gamma", 0.1, "the factor of each decay").above(0)}};
  }

  explicit MultistepScheduler(const seqlab::PluginArgs& args)
      : milestones_(args.params.real_list("milestones")), gamma_(args.params.real("gamma")) {
    if (milestones_.empty()) throw seqlab::ParamError("milestones", "give at least one epoch, e.g. [30, 80]");
    for (double m : milestones_)
      if (!(m >= 1) || m != std::floor(m) || m > 1e9)
        throw seqlab::ParamError("milestones", "each milestone is a whole epoch number >= 1, got " + shown(m));
  }

  double start(double base_lr, int) override {
    base_ = base_lr;
    return base_;
  }
  double next(const seqlab::EpochLosses& ended) override {
    int passed = 0;  // a milestone listed twice counts twice, as in torch
    for (double m : milestones_) passed += m <= ended.epoch ? 1 : 0;
    return base_ * std::pow(gamma_, passed);
  }

 private:
  std::vector<double> milestones_;
  double gamma_, base_ = 0;
};

}  // namespace

SEQLAB_PLUGIN(MultistepScheduler)
