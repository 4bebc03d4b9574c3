// Conformance for schedulers: finite positive rates, the same every time, and a state that resumes.
// Tested in tests/conformance/test_conformance.cpp
#include <cmath>
#include <fmt/format.h>

#include "conformance/check_kit.hpp"
#include "conformance/kind_checks.hpp"

namespace seqlab::conformance {

namespace {

constexpr int kEpochs = 60;
constexpr double kBaseRate = 0.01;

// A made-up run's losses: falling, then flat (so a plateau scheduler acts), with a validation loss.
EpochLosses losses_of(int epoch) {
  const double train = epoch < 20 ? 1.0 / epoch : 0.05;
  return {epoch, train, train * 1.1};
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
  std::vector<double> rates;
  out.push_back(guarded("rates", [&] {
    rates.push_back(scheduler->start(kBaseRate, kEpochs));
    for (int e = 1; e < kEpochs; ++e) rates.push_back(scheduler->next(losses_of(e)));
    for (std::size_t e = 0; e < rates.size(); ++e)
      if (!std::isfinite(rates[e]) || rates[e] < 0)
        return fail("rates",
                    fmt::format("epoch {}'s rate is {}; every rate must be finite and >= 0", e + 1, num(rates[e])));
    return pass("rates", fmt::format("{} epochs from rate {}: first {}, last {}", kEpochs, num(kBaseRate),
                                     num(rates.front()), num(rates.back())));
  }));
  if (rates.size() != static_cast<std::size_t>(kEpochs)) return out;
  out.push_back(guarded("determinism", [&] {
    auto again = make();
    double rate = again->start(kBaseRate, kEpochs);
    for (int e = 1; e <= kEpochs; ++e) {
      if (rate != rates[static_cast<std::size_t>(e - 1)])
        return fail("determinism", fmt::format("a second scheduler gave epoch {} the rate {}, the first {}", e,
                                               num(rate), num(rates[static_cast<std::size_t>(e - 1)])));
      if (e < kEpochs) rate = again->next(losses_of(e));
    }
    return pass("determinism", "a second scheduler of the same settings gave the same rates");
  }));
  out.push_back(guarded("unvalidated epochs", [&] {
    // training.validate_every passes NaN for the validation loss of the epochs it skips (seqlab/scheduler.hpp).
    auto sparse = make();
    sparse->start(kBaseRate, kEpochs);
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
    // Halfway, a new scheduler takes over from the old one's state(), as `seqlab resume` does.
    auto original = make();
    original->start(kBaseRate, kEpochs);
    const int half = kEpochs / 2;
    for (int e = 1; e < half; ++e) original->next(losses_of(e));
    auto resumed = make();
    resumed->start(kBaseRate, kEpochs);
    resumed->load_state(original->state());
    for (int e = half; e < kEpochs; ++e) {
      const double expected = rates[static_cast<std::size_t>(e)], got = resumed->next(losses_of(e));
      if (got != expected)
        return fail("state round trip",
                    fmt::format("resumed after epoch {}, it gave epoch {} the rate {} instead of {}", half - 1, e + 1,
                                num(got), num(expected)));
    }
    return pass("state round trip", fmt::format("resumed from state() after epoch {}: the same rates", half - 1));
  }));
  return out;
}

}  // namespace seqlab::conformance
