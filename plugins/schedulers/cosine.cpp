// Scheduler plugin `cosine`: cosine annealing with an optional linear warm-up, as
// torch.optim.lr_scheduler.CosineAnnealingLR preceded by LinearLR (joined by SequentialLR).
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// After k epochs, with w = warmup_epochs and T = t_max:
//   k < w:  lr = base * (s + (1 - s) * k / w)              s = warmup_start_factor
//   k >= w: lr = eta_min + (base - eta_min) * (1 + cos(pi * (k - w) / T)) / 2
// (beyond T the cosine climbs again, as torch's does).
class CosineScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"cosine",
            "cosine annealing from the optimizer's rate down to eta_min over t_max epochs, after an optional linear "
            "warm-up (torch.optim.lr_scheduler.CosineAnnealingLR, LinearLR)",
            {integer("t_max", 0, "epochs of the cosine's fall; 0 = the run's epochs after the warm-up").at_least(0),
             real("eta_min", 0.0, "the lowest rate").at_least(0),
             integer("warmup_epochs", 0, "epochs of linear warm-up before the cosine").at_least(0),
             real("warmup_start_factor", 0.1, "the warm-up's first rate, as a fraction of the optimizer's")
                 .above(0)
                 .at_most(1)}};
  }

  explicit CosineScheduler(const seqlab::PluginArgs& args)
      : t_max_(args.params.integer("t_max")),
        eta_min_(args.params.real("eta_min")),
        warmup_(args.params.integer("warmup_epochs")),
        start_factor_(args.params.real("warmup_start_factor")) {}

  double start(double base_lr, int epochs) override {
    base_ = base_lr;
    period_ =
        t_max_ > 0 ? static_cast<double>(t_max_) : static_cast<double>(std::max<std::int64_t>(1, epochs - warmup_));
    return rate(0);
  }
  double next(const seqlab::EpochLosses& ended) override { return rate(ended.epoch); }

 private:
  double rate(std::int64_t k) const {
    if (k < warmup_)
      return base_ * (start_factor_ + (1.0 - start_factor_) * static_cast<double>(k) / static_cast<double>(warmup_));
    const double pi = 3.141592653589793;
    return eta_min_ + (base_ - eta_min_) * (1.0 + std::cos(pi * static_cast<double>(k - warmup_) / period_)) / 2.0;
  }

  std::int64_t t_max_;
  double eta_min_;
  std::int64_t warmup_;
  double start_factor_;
  double base_ = 0, period_ = 1;
};

}  // namespace

SEQLAB_PLUGIN(CosineScheduler)
