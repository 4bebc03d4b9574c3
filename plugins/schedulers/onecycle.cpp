// Scheduler plugin `onecycle`: the 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR, rates and momenta.
#include <cmath>
#include <seqlab/plugin.hpp>
#include <vector>

namespace {

// With T total steps, p = pct_start, initial = max_lr / div_factor, min = initial / final_div_factor:
//   two phases:   step 0 .. pT - 1: initial -> max_lr;      then .. T - 1: max_lr -> min
//   three_phase:  step 0 .. pT - 1: initial -> max_lr;  .. 2pT - 2: max_lr -> initial;  .. T - 1: initial -> min
// each phase annealed over pct = (step - phase start) / (phase end - phase start) by
//   cos:    end + (start - end) / 2 * (cos(pi pct) + 1)        linear: (end - start) pct + start
// and the momentum the other way (max_momentum -> base_momentum while the rate rises, back while it falls;
// three_phase's last phase stays at max_momentum). Every expression is torch's, in torch's order, in double:
// the rates are torch's to the last bit. A step past the last phase's end extrapolates, as torch does.
class OnecycleScheduler : public seqlab::Scheduler {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {
        "onecycle",
        "the 1cycle policy: the rate rises from max_lr / div_factor to max_lr, then falls far below the start, while "
        "the momentum moves the other way (torch.optim.lr_scheduler.OneCycleLR; meant for step_on: batch)",
        {real("max_lr", std::nullopt, "the highest rate, reached after pct_start of the steps").above(0),
         integer("total_steps", 0,
                 "steps in the cycle; 0 = the run's: training.epochs, times the optimizer steps per epoch with "
                 "step_on: batch")
             .at_least(0),
         real("pct_start", 0.3, "the fraction of the steps spent raising the rate").between(0, 1),
         choice("anneal_strategy", {"cos", "linear"}, "cos", "how the rate moves within a phase"),
         boolean("cycle_momentum", true,
                 "move the optimizer's momentum (sgd, rmsprop) or first beta (adam, adamw) inversely to the rate"),
         real("base_momentum", 0.85, "the momentum at the rate's peak").between(0, 1),
         real("max_momentum", 0.95, "the momentum at the cycle's start and end").between(0, 1),
         real("div_factor", 25.0, "the first rate is max_lr / div_factor").above(0),
         real("final_div_factor", 1e4, "the last rate is the first divided by this").above(0),
         boolean("three_phase", false,
                 "fall back to the first rate symmetrically before the final fall, instead of one long fall")}};
  }

  explicit OnecycleScheduler(const seqlab::PluginArgs& args)
      : max_lr_(args.params.real("max_lr")),
        total_steps_(args.params.integer("total_steps")),
        pct_start_(args.params.real("pct_start")),
        cosine_(args.params.text("anneal_strategy") == "cos"),
        cycle_momentum_(args.params.boolean("cycle_momentum")),
        base_momentum_(args.params.real("base_momentum")),
        max_momentum_(args.params.real("max_momentum")),
        div_factor_(args.params.real("div_factor")),
        final_div_factor_(args.params.real("final_div_factor")),
        three_phase_(args.params.boolean("three_phase")) {
    // Adam's bias correction divides by 1 - beta1^t: a momentum of 1 would divide by zero.
    for (const char* name : {"base_momentum", "max_momentum"})
      if (args.params.real(name) >= 1.0) throw seqlab::ParamError(name, "a momentum or beta must be below 1");
  }

  double start(const seqlab::ScheduleStart& run) override {
    if (cycle_momentum_ && !run.momentum)
      throw seqlab::ParamError("cycle_momentum",
                               "the optimizer has no momentum or betas to cycle; set cycle_momentum: false, or use "
                               "sgd, rmsprop, adam or adamw");
    const std::int64_t steps = run.steps();
    total_ = total_steps_ > 0 ? total_steps_ : steps;
    if (steps > total_)
      throw seqlab::ParamError(
          "total_steps",
          "is " + std::to_string(total_) + ", but the run steps the schedule " + std::to_string(steps) + " times (" +
              (run.step_on == seqlab::StepOn::batch
                   ? std::to_string(run.epochs) + " epochs x " + std::to_string(run.steps_per_epoch) + " steps"
                   : std::to_string(run.epochs) + " epochs") +
              "); raise it to at least that, or 0 for the run's own count");
    const double initial = max_lr_ / div_factor_;
    const double total = static_cast<double>(total_);
    const double first_end = pct_start_ * total - 1;  // torch: float(pct_start * total_steps) - 1
    if (three_phase_)
      phases_ = {{first_end, initial, max_lr_, max_momentum_, base_momentum_},
                 {2 * pct_start_ * total - 2, max_lr_, initial, base_momentum_, max_momentum_},
                 {total - 1, initial, initial / final_div_factor_, max_momentum_, max_momentum_}};
    else
      phases_ = {{first_end, initial, max_lr_, max_momentum_, base_momentum_},
                 {total - 1, max_lr_, initial / final_div_factor_, base_momentum_, max_momentum_}};
    // torch divides by each phase's length: one of 0 would be its ZeroDivisionError at the first step in it.
    double begin = 0;
    for (const Phase& phase : phases_) {
      if (phase.end == begin)
        throw seqlab::ParamError("pct_start", "with " + std::to_string(total_) +
                                                  " total steps, leaves a phase of the cycle no steps (torch would "
                                                  "divide by zero); change pct_start or total_steps");
      begin = phase.end;
    }
    return at(0);
  }

  double next(const seqlab::EpochLosses& ended) override { return at(ended.epoch); }
  double next_step(std::int64_t steps) override { return at(steps); }
  std::optional<double> momentum() const override {
    return cycle_momentum_ ? std::optional<double>(momentum_) : std::nullopt;
  }
  // The rate is a function of the step, and the runner keeps the rate; the momentum it does not keep.
  seqlab::PluginState state() const override {
    return cycle_momentum_ ? seqlab::PluginState{{"momentum", {momentum_}}} : seqlab::PluginState{};
  }
  void load_state(const seqlab::PluginState& state) override {
    if (cycle_momentum_) momentum_ = seqlab::state_entry(state, "momentum", 1)[0];
  }

 private:
  struct Phase {
    double end, start_lr, end_lr, start_momentum, end_momentum;
  };

  double anneal(double start, double end, double pct) const {
    const double pi = 3.141592653589793;  // Python's math.pi
    return cosine_ ? end + (start - end) / 2.0 * (std::cos(pi * pct) + 1) : (end - start) * pct + start;
  }

  // The rate of step k (0 = the first), setting momentum_ with it.
  double at(std::int64_t k) {
    if (k > total_)  // start() refuses a run longer than the cycle; torch raises the same way
      throw std::runtime_error("onecycle was stepped " + std::to_string(k + 1) + " times, past its " +
                               std::to_string(total_) + " total steps");
    const double step = static_cast<double>(k);
    double begin = 0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (step <= phase.end || i + 1 == phases_.size()) {
        const double pct = (step - begin) / (phase.end - begin);
        momentum_ = anneal(phase.start_momentum, phase.end_momentum, pct);
        return anneal(phase.start_lr, phase.end_lr, pct);
      }
      begin = phase.end;
    }
    return 0;  // not reached: the last phase always answers
  }

  double max_lr_;
  std::int64_t total_steps_;
  double pct_start_;
  bool cosine_, cycle_momentum_;
  double base_momentum_, max_momentum_, div_factor_, final_div_factor_;
  bool three_phase_;
  std::int64_t total_ = 1;
  std::vector<Phase> phases_;
  double momentum_ = 0;
};

}  // namespace

SEQLAB_PLUGIN(OnecycleScheduler)
