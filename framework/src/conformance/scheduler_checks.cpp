// Conformance for schedulers: finite positive rates (and momenta), the same every time, a state that resumes,
// stepped per epoch and, unless it watches a loss, per optimizer step (step_on: batch).
// Tested in tests/conformance/test_conformance.cpp
#include <cmath>
#include <fmt/format.h>
#include <optional>

#include "conformance/check_kit.hpp"
#include "conformance/kind_checks.hpp"

namespace seqlab::conformance {

namespace {

constexpr int kEpochs = 60;
constexpr double kBaseRate = 0.01;
constexpr double kMomentum = 0.9;  // the optimizer's, as adam's first beta or sgd's momentum
// step_on: batch: a short run of many steps.
constexpr int kBatchEpochs = 5;
constexpr std::int64_t kStepsPerEpoch = 9;

// A made-up run's losses: falling, then flat (so a plateau scheduler acts), with a validation loss.
EpochLosses losses_of(int epoch) {
  const double train = epoch < 20 ? 1.0 / epoch : 0.05;
  return {epoch, train, train * 1.1};
}

ScheduleStart epoch_run() { return {kBaseRate, kEpochs, 1, StepOn::epoch, kMomentum}; }
ScheduleStart batch_run() { return {kBaseRate, kBatchEpochs, kStepsPerEpoch, StepOn::batch, kMomentum}; }

// What a scheduler gave: the rate and momentum after start() ([0]) and after each later call.
struct Trace {
  std::vector<double> rates;
  std::vector<std::optional<double>> momenta;
};

// The k-th call after start() (k >= 1), as the runner makes it.
double step(Scheduler& s, const ScheduleStart& run, std::int64_t k) {
  return run.step_on == StepOn::batch ? s.next_step(k) : s.next(losses_of(static_cast<int>(k)));
}

// Calls first..last (inclusive) after start() into `trace`.
void drive(Scheduler& s, const ScheduleStart& run, std::int64_t first, std::int64_t last, Trace& trace) {
  for (std::int64_t k = first; k <= last; ++k) {
    trace.rates.push_back(step(s, run, k));
    trace.momenta.push_back(s.momentum());
  }
}

Trace full_trace(Scheduler& s, const ScheduleStart& run) {
  Trace trace;
  trace.rates.push_back(s.start(run));
  trace.momenta.push_back(s.momentum());
  drive(s, run, 1, run.steps() - 1, trace);
  return trace;
}

const char* unit(const ScheduleStart& run) { return run.step_on == StepOn::batch ? "step" : "epoch"; }

// "" when every rate is finite and >= 0 and every momentum in [0, 1); else the first that is not.
std::string bad_value(const Trace& trace, const ScheduleStart& run) {
  for (std::size_t k = 0; k < trace.rates.size(); ++k) {
    if (!std::isfinite(trace.rates[k]) || trace.rates[k] < 0)
      return fmt::format("{} {}'s rate is {}; every rate must be finite and >= 0", unit(run), k + 1,
                         num(trace.rates[k]));
    if (const auto m = trace.momenta[k]; m && !(*m >= 0 && *m < 1))
      return fmt::format("{} {}'s momentum is {}; a momentum or beta must be in [0, 1)", unit(run), k + 1, num(*m));
  }
  return "";
}

// "" when `b` is `a` exactly; else where they part.
std::string difference(const Trace& a, const Trace& b, std::size_t offset, const ScheduleStart& run) {
  for (std::size_t k = 0; k < a.rates.size() && k < b.rates.size(); ++k)
    if (a.rates[k] != b.rates[k] || a.momenta[k] != b.momenta[k])
      return fmt::format("{} {}: rate {} (momentum {}) instead of {} ({})", unit(run), k + offset + 1, num(b.rates[k]),
                         b.momenta[k] ? num(*b.momenta[k]) : "none", num(a.rates[k]),
                         a.momenta[k] ? num(*a.momenta[k]) : "none");
  return a.rates.size() == b.rates.size() ? "" : "not as many values";
}

// Halfway, a new scheduler takes over from the old one's state(), as `seqlab resume` does: the same momentum
// at once, the same rates and momenta after.
template <class Make>
std::string resume_difference(const Make& make, const ScheduleStart& run, const Trace& reference) {
  const std::int64_t half = run.steps() / 2;
  auto original = make();
  original->start(run);
  Trace ignored;
  drive(*original, run, 1, half, ignored);
  auto resumed = make();
  resumed->start(run);
  resumed->load_state(original->state());
  if (resumed->momentum() != ignored.momenta.back()) return "the momentum differs right after load_state()";
  Trace after;
  drive(*resumed, run, half + 1, run.steps() - 1, after);
  Trace expected;
  expected.rates.assign(reference.rates.begin() + half + 1, reference.rates.end());
  expected.momenta.assign(reference.momenta.begin() + half + 1, reference.momenta.end());
  return difference(expected, after, static_cast<std::size_t>(half + 1), run);
}

}  // namespace

std::vector<CheckResult> scheduler_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                          const std::string& with) {
  std::vector<CheckResult> out;
  Random random(17);
  auto make = [&] { return create_scheduler(plugin, {params, random, {}}); };
  Handle<Scheduler> scheduler;
  out.push_back(guarded("construction", [&] {
    scheduler = make();
    const std::string metric = scheduler->metric();
    if (metric != "" && metric != "val_loss" && metric != "train_loss")
      return fail("construction", "metric() is '" + metric + "'; it must be val_loss, train_loss or empty");
    return pass("construction", with);
  }));
  if (!scheduler) return out;
  const ScheduleStart run = epoch_run();
  Trace trace;
  out.push_back(guarded("rates", [&] {
    trace = full_trace(*scheduler, run);
    if (const std::string bad = bad_value(trace, run); !bad.empty()) return fail("rates", bad);
    return pass("rates", fmt::format("{} epochs from rate {}: first {}, last {}", kEpochs, num(kBaseRate),
                                     num(trace.rates.front()), num(trace.rates.back())));
  }));
  if (trace.rates.size() != static_cast<std::size_t>(kEpochs)) return out;
  out.push_back(guarded("determinism", [&] {
    auto again = make();
    if (const std::string d = difference(trace, full_trace(*again, run), 0, run); !d.empty())
      return fail("determinism", "a second scheduler of the same settings gave " + d);
    return pass("determinism", "a second scheduler of the same settings gave the same rates");
  }));
  out.push_back(guarded("unvalidated epochs", [&] {
    // training.validate_every passes NaN for the validation loss of the epochs it skips (seqlab/scheduler.hpp).
    auto sparse = make();
    sparse->start(run);
    for (int e = 1; e < kEpochs; ++e) {
      EpochLosses ended = losses_of(e);
      if (e % 3 != 0) ended.val_loss = std::nan("");
      const double rate = sparse->next(ended);
      if (!std::isfinite(rate) || rate < 0)
        return fail("unvalidated epochs", fmt::format("validated every 3rd epoch, epoch {}'s rate is {}; every rate "
                                                      "must be finite and >= 0 (a NaN val_loss: not validated)",
                                                      e + 1, num(rate)));
    }
    return pass("unvalidated epochs", "validation loss NaN on 2 epochs in 3: finite rates");
  }));
  out.push_back(guarded("state round trip", [&] {
    if (const std::string d = resume_difference(make, run, trace); !d.empty())
      return fail("state round trip", fmt::format("resumed from state() after epoch {}, {}", kEpochs / 2, d));
    return pass("state round trip", fmt::format("resumed from state() after epoch {}: the same rates", kEpochs / 2));
  }));
  out.push_back(guarded("per-batch stepping", [&] {
    // A scheduler that watches a loss steps per epoch only: the runner refuses it step_on: batch.
    if (!scheduler->metric().empty())
      return pass("per-batch stepping", "watches " + scheduler->metric() + ": steps per epoch only");
    const ScheduleStart per_batch = batch_run();
    auto stepped = make();
    const Trace steps = full_trace(*stepped, per_batch);
    std::string problem = bad_value(steps, per_batch);
    if (problem.empty())
      if (const std::string d = difference(steps, full_trace(*make(), per_batch), 0, per_batch); !d.empty())
        problem = "a second scheduler of the same settings gave " + d;
    if (problem.empty())
      if (const std::string d = resume_difference(make, per_batch, steps); !d.empty())
        problem = fmt::format("resumed from state() after step {}, {}", per_batch.steps() / 2, d);
    if (!problem.empty()) return fail("per-batch stepping", problem);
    return pass("per-batch stepping",
                fmt::format("{} epochs of {} steps (next_step): finite rates, the same again and after a resume",
                            kBatchEpochs, kStepsPerEpoch));
  }));
  out.push_back(guarded("optimizer without momentum", [&] {
    // A scheduler that sets the momentum must refuse an optimizer without one (a ParamError at start()).
    ScheduleStart bare = run;
    bare.momentum.reset();
    auto s = make();
    try {
      s->start(bare);
    } catch (const ParamError& e) {
      return pass("optimizer without momentum", std::string("refused at start(): ") + e.what());
    }
    if (s->momentum())
      return fail("optimizer without momentum",
                  "it sets a momentum for an optimizer that has none; throw a ParamError from start() naming the "
                  "setting to change (ScheduleStart::momentum is empty)");
    return pass("optimizer without momentum", "sets no momentum");
  }));
  return out;
}

}  // namespace seqlab::conformance
