// Dataset plugin `sine`: windows of a sine wave, the target the wave shifted ahead.
#include <cmath>
#include <string>
#include <seqlab/plugin.hpp>

namespace {

// Each sequence: x_k = start + span * k / (steps - 1), start ~ U[0, start_max) (the tutorial: U[0, 1));
// input sin(x_k) (+ optional Gaussian noise), target sin(x_k + shift), either
// at the last step only (target: last) or at every step (target: sequence).
class SineDataset : public seqlab::Dataset {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"sine",
            "Sine-wave windows; predict the wave `shift` ahead (the PyTorch tutorial's data)",
            {integer("num_samples", 1000, "training sequences").between(1, 1e8),
             integer("val_samples", 200, "validation sequences, drawn after the training ones").between(0, 1e8),
             integer("seq_length", 50, "steps per sequence").between(1, 1e6),
             real("shift", 0.1, "how far ahead the target is, in radians"),
             real("span", 2 * M_PI, "radians covered by one sequence").above(0),
             real("start_max", 1.0, "each sequence starts at x ~ U[0, start_max); 2*pi covers every phase").above(0),
             real("noise", 0.0, "standard deviation of Gaussian noise added to the inputs").at_least(0),
             choice("target", {"last", "sequence"}, "last",
                    "predict the value after the last step only, or at every step")}};
  }

  static seqlab::DataPlan plan(const seqlab::PlanArgs& args) {
    const double steps = static_cast<double>(args.params.integer("seq_length"));
    return {static_cast<double>(args.params.integer("num_samples")),
            static_cast<double>(args.params.integer("val_samples")),
            steps,
            1,
            args.params.text("target") == "sequence" ? steps : 1,
            1};
  }

  explicit SineDataset(const seqlab::PluginArgs& args)
      : random_(args.random),
        num_samples_(static_cast<std::size_t>(args.params.integer("num_samples"))),
        val_samples_(static_cast<std::size_t>(args.params.integer("val_samples"))),
        steps_(static_cast<std::size_t>(args.params.integer("seq_length"))),
        shift_(args.params.real("shift")),
        span_(args.params.real("span")),
        start_max_(args.params.real("start_max")),
        noise_(args.params.real("noise")),
        every_step_(args.params.text("target") == "sequence") {}

  seqlab::DatasetSplits load() override {
    seqlab::DatasetSplits splits;
    splits.train = generate(num_samples_);
    splits.validation = generate(val_samples_);
    return splits;
  }

  seqlab::DataDescription describe() const override {
    seqlab::DataDescription d;
    d.inputs = {{"sin(x)"}};
    d.targets = {{"sin(x + shift)"}};
    if (shift_is_one_step()) d.fed_back = {0};
    d.time_name = "x";
    d.time_kind = seqlab::TimeKind::number;
    return d;
  }

  // One window of the wave from x = 0, whose continuation a forecast extends: only when the target is the
  // next step's input (shift == one step), so that feeding a prediction back keeps the wave's spacing.
  seqlab::DataSeries series() const override {
    seqlab::DataSeries s;
    if (!shift_is_one_step()) return s;
    s.inputs = seqlab::Tensor2::from_shape({steps_, 1});
    s.targets = seqlab::Tensor2::from_shape({steps_, 1});
    for (std::size_t k = 0; k < steps_; ++k) {
      s.times.push_back(step() * k);
      s.inputs(k, 0) = s.targets(k, 0) = static_cast<float>(std::sin(step() * k));
    }
    s.time_step = step();
    s.window = steps_;
    return s;
  }

  seqlab::Tensor2 continuation(std::size_t steps) const override {
    if (!shift_is_one_step()) return {};
    seqlab::Tensor2 truth = seqlab::Tensor2::from_shape({steps, 1});
    for (std::size_t i = 0; i < steps; ++i) truth(i, 0) = static_cast<float>(std::sin(step() * (steps_ + i)));
    return truth;
  }

 private:
  seqlab::SequenceSet generate(std::size_t count) {
    const std::size_t target_steps = every_step_ ? steps_ : 1;
    seqlab::SequenceSet set;
    set.inputs = seqlab::Tensor3::from_shape({count, steps_, 1});
    set.targets = seqlab::Tensor3::from_shape({count, target_steps, 1});
    for (std::size_t n = 0; n < count; ++n) {
      const double start = start_max_ * random_.uniform();
      for (std::size_t k = 0; k < steps_; ++k) {
        // Same spacing as numpy.linspace(start, start + span, steps).
        const double x = steps_ == 1 ? start : start + span_ * k / static_cast<double>(steps_ - 1);
        double in = std::sin(x);
        if (noise_ > 0) in += noise_ * random_.normal();
        set.inputs(n, k, 0) = static_cast<float>(in);
        if (every_step_)
          set.targets(n, k, 0) = static_cast<float>(std::sin(x + shift_));
        else if (k + 1 == steps_)
          set.targets(n, 0, 0) = static_cast<float>(std::sin(x + shift_));
      }
    }
    return set;
  }

  double step() const { return steps_ > 1 ? span_ / static_cast<double>(steps_ - 1) : span_; }
  bool shift_is_one_step() const { return std::abs(shift_ - step()) <= 1e-9 * step(); }

  seqlab::Random random_;
  std::size_t num_samples_, val_samples_, steps_;
  double shift_, span_, start_max_, noise_;
  bool every_step_;
};

}  // namespace

SEQLAB_PLUGIN(SineDataset)
