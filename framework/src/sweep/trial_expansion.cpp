// The trials of a grid (products of the lists) and of a random search (draws), conditional parameters included.
// Tested in tests/sweep/test_conditional_sweep.cpp, tests/sweep/test_sweep_spec.cpp
#include "sweep/trial_expansion.hpp"

#include <cmath>
#include <fmt/format.h>

#include "seqlab/random.hpp"

namespace seqlab {

namespace {

// One swept setting of one trial.
struct Setting {
  const SweepParameter* parameter;
  std::size_t index;  // the value's index (list kind), else SIZE_MAX
  std::string value;
};
using Settings = std::vector<Setting>;

// Each parameter's options, one of which every configuration takes: one setting per value, or,
// for a conditional parameter, the plugin followed by one combination of its parameters.
using Options = std::vector<Settings>;

// Every way to take one option from each of `factors`, the last varying fastest; one empty
// configuration when there are no factors.
Options product(const std::vector<Options>& factors) {
  Options configurations = {{}};
  for (const Options& factor : factors) {
    Options longer;
    longer.reserve(configurations.size() * factor.size());
    for (const Settings& start : configurations)
      for (const Settings& option : factor) {
        longer.push_back(start);
        longer.back().insert(longer.back().end(), option.begin(), option.end());
      }
    configurations = std::move(longer);
  }
  return configurations;
}

Options grid_options(const SweepParameter& p) {
  Options options;
  for (std::size_t k = 0; k < p.values.size(); ++k) {
    const Setting chosen{&p, k, p.values[k]};
    if (!p.conditional()) {
      options.push_back({chosen});
      continue;
    }
    std::vector<Options> factors;
    for (const SweepParameter& sub : p.per_choice[k]) factors.push_back(grid_options(sub));
    for (Settings& rest : product(factors)) {
      rest.insert(rest.begin(), chosen);
      options.push_back(std::move(rest));
    }
  }
  return options;
}

// Appends one draw of `p` (a plugin and its parameters' draws, for a conditional one).
void draw(const SweepParameter& p, Random& random, Settings& out) {
  if (p.kind == SweepParameter::Kind::loguniform) {
    out.push_back({&p, SIZE_MAX, fmt::format("{}", std::exp(random.uniform(std::log(p.low), std::log(p.high))))});
    return;
  }
  const auto k = static_cast<std::size_t>(random.below(p.values.size()));
  out.push_back({&p, k, p.values[k]});
  if (p.conditional())
    for (const SweepParameter& sub : p.per_choice[k]) draw(sub, random, out);
}

}  // namespace

std::vector<SweepTrial> expand_trials(const SweepSpec& spec, std::uint64_t seed) {
  Options configurations;
  if (spec.method == "grid") {
    std::vector<Options> factors;
    for (const SweepParameter& p : spec.parameters) factors.push_back(grid_options(p));
    configurations = product(factors);
  } else {
    Random random = Random::stream(seed, "sweep");
    for (int t = 0; t < spec.trials; ++t) {
      Settings drawn;
      for (const SweepParameter& p : spec.parameters) draw(p, random, drawn);
      configurations.push_back(std::move(drawn));
    }
  }
  std::vector<SweepTrial> trials;
  trials.reserve(configurations.size() * static_cast<std::size_t>(spec.repeats));
  for (const Settings& settings : configurations) {
    SweepTrial trial;
    for (const Setting& s : settings) {
      trial.overrides.push_back(s.parameter->path + "=" + s.value);
      trial.values.push_back(s.value);
      trial.sources.push_back(s.parameter);
      trial.value_index.push_back(s.index);
      trial.configuration += (trial.configuration.empty() ? "" : " ") + trial.overrides.back();
    }
    for (int r = 0; r < spec.repeats; ++r) {
      trial.seed = seed + static_cast<std::uint64_t>(r);
      trials.push_back(trial);
    }
  }
  return trials;
}

}  // namespace seqlab
