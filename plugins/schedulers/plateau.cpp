// Scheduler plugin `plateau`: lower the rate when the watched loss stops improving, as
// torch.optim.lr_scheduler.ReduceLROnPlateau (mode 'min').
#include <algorithm>
#include <cmath>
#include <limits>
#include <seqlab/plugin.hpp>

namespace {

// After each epoch, with the watched loss x (an epoch with x NaN, not validated, is skipped whole):
//   better: x < best * (1 - threshold) (rel) or x < best - threshold (abs) -> best = x, bad = 0; else ++bad
//   in a cooldown: --cooldown, bad = 0
//   bad > patience: lr = max(lr * factor, min_lr) unless that changes it by eps or less; cooldown starts, bad = 0
class PlateauScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"plateau",
            "multiply the rate by factor when the loss has not improved for patience epochs "
            "(torch.optim.lr_scheduler.ReduceLROnPlateau)",
            {choice("metric", {"val_loss", "train_loss"}, "val_loss", "the loss watched"),
             real("factor", 0.1, "the factor of each reduction, below 1").above(0).at_most(1),
             integer("patience", 10,
                     "epochs without improvement before a reduction (watching val_loss: validated epochs, see "
                     "training.validate_every)")
                 .at_least(0),
             real("threshold", 1e-4, "how much better a loss must be to count as an improvement").at_least(0),
             choice("threshold_mode", {"rel", "abs"}, "rel",
                    "rel: better than best * (1 - threshold); abs: better than best - threshold"),
             integer("cooldown", 0, "epochs after a reduction before bad epochs count again").at_least(0),
             real("min_lr", 0.0, "the rate never goes below this").at_least(0),
             real("eps", 1e-8, "a reduction smaller than this is skipped").at_least(0)}};
  }

  explicit PlateauScheduler(const seqlab::PluginArgs& args)
      : metric_(args.params.text("metric")),
        factor_(args.params.real("factor")),
        patience_(args.params.integer("patience")),
        threshold_(args.params.real("threshold")),
        relative_(args.params.text("threshold_mode") == "rel"),
        cooldown_(args.params.integer("cooldown")),
        min_lr_(args.params.real("min_lr")),
        eps_(args.params.real("eps")) {
    if (factor_ >= 1.0) throw seqlab::ParamError("factor", "a reduction multiplies by less than 1, e.g. 0.1 or 0.5");
  }

  std::string metric() const override { return metric_; }

  double start(double base_lr, int) override {
    lr_ = base_lr;
    return lr_;
  }

  double next(const seqlab::EpochLosses& ended) override {
    const double x = metric_ == "val_loss" ? ended.val_loss : ended.train_loss;
    // Not validated (training.validate_every): neither better nor bad, and no cooldown passes, so that
    // patience and cooldown count validated epochs, as early stopping does.
    if (std::isnan(x)) return lr_;
    const bool better = relative_ ? x < best_ * (1.0 - threshold_) : x < best_ - threshold_;
    if (better) {
      best_ = x;
      bad_epochs_ = 0;
    } else {
      ++bad_epochs_;
    }
    if (cooldown_left_ > 0) {
      --cooldown_left_;
      bad_epochs_ = 0;
    }
    if (bad_epochs_ > patience_) {
      const double reduced = std::max(lr_ * factor_, min_lr_);
      if (lr_ - reduced > eps_) lr_ = reduced;
      cooldown_left_ = cooldown_;
      bad_epochs_ = 0;
    }
    return lr_;
  }

  seqlab::PluginState state() const override {
    return {{"lr", {lr_}},
            {"best", {best_}},
            {"bad_epochs", {static_cast<double>(bad_epochs_)}},
            {"cooldown_left", {static_cast<double>(cooldown_left_)}}};
  }
  void load_state(const seqlab::PluginState& state) override {
    lr_ = seqlab::state_entry(state, "lr", 1)[0];
    best_ = seqlab::state_entry(state, "best", 1)[0];
    bad_epochs_ = static_cast<std::int64_t>(seqlab::state_entry(state, "bad_epochs", 1)[0]);
    cooldown_left_ = static_cast<std::int64_t>(seqlab::state_entry(state, "cooldown_left", 1)[0]);
  }

 private:
  std::string metric_;
  double factor_;
  std::int64_t patience_;
  double threshold_;
  bool relative_;
  std::int64_t cooldown_;
  double min_lr_, eps_;
  double lr_ = 0, best_ = std::numeric_limits<double>::infinity();
  std::int64_t bad_epochs_ = 0, cooldown_left_ = 0;
};

}  // namespace

SEQLAB_PLUGIN(PlateauScheduler)
