// Scheduler plugin `exponential`: the rate times gamma after every epoch, as
// torch.optim.lr_scheduler.ExponentialLR.
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// After k epochs: lr = base * gamma^k
class ExponentialScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"exponential",
            "multiply the rate by gamma after every epoch (torch.optim.lr_scheduler.ExponentialLR)",
            {real("gamma", 0.95, "the factor of each epoch's decay").above(0)}};
  }

  explicit ExponentialScheduler(const seqlab::PluginArgs& args) : gamma_(args.params.real("gamma")) {}

  double start(double base_lr, int) override {
    base_ = base_lr;
    return base_;
  }
  double next(const seqlab::EpochLosses& ended) override { return base_ * std::pow(gamma_, ended.epoch); }

 private:
  double gamma_, base_ = 0;
};

}  // namespace

SEQLAB_PLUGIN(ExponentialScheduler)
