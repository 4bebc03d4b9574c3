// Scheduler plugin `step`: the rate times gamma every step_size epochs, as torch.optim.lr_scheduler.StepLR.
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// After k epochs: lr = base * gamma^floor(k / step_size)
class StepScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"step",
            "multiply the rate by gamma every step_size epochs (torch.optim.lr_scheduler.StepLR)",
            {integer("step_size", 10, "epochs between two decays").at_least(1),
             real("gamma", 0.1, "the factor of each decay").above(0)}};
  }

  explicit StepScheduler(const seqlab::PluginArgs& args)
      : step_size_(args.params.integer("step_size")), gamma_(args.params.real("gamma")) {}

  double start(double base_lr, int) override {
    base_ = base_lr;
    return base_;
  }
  double next(const seqlab::EpochLosses& ended) override {
    return base_ * std::pow(gamma_, static_cast<double>(ended.epoch / step_size_));
  }

 private:
  std::int64_t step_size_;
  double gamma_, base_ = 0;
};

}  // namespace

SEQLAB_PLUGIN(StepScheduler)
