// The plugin conformance suite: schema sanity, construction, gradients, descent and determinism, as a report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/plugin_loader.hpp"

namespace seqlab {

// One line of the report. A skipped check (not applicable to this plugin, e.g.
// a model that only predicts the last step) counts as passed.
struct CheckResult {
  std::string name;
  bool passed = false;
  std::string detail;
  bool skipped = false;
  bool warning = false;  // passed, but the plugin misses something that costs its users (speed, memory)
};

struct ConformanceReport {
  std::string plugin;  // "model plugin 'lstm'"
  std::string file;    // the library checked
  std::vector<CheckResult> checks;
  bool passed() const;
  std::size_t failures() const;
};

// The tolerances and sizes the suite uses; the report states them.
namespace conformance {
inline constexpr double kFiniteDifferenceStep = 5e-3;  // float32: smaller steps drown in rounding
inline constexpr double kGradientTolerance = 2e-2;     // a wrong gradient is off by O(1); rounding stays far below
inline constexpr int kOptimizerSteps = 1000;
inline constexpr double kOptimizerReduction = 1e-2;      // the quadratic must fall to at most this fraction
inline constexpr std::size_t kMaxCheckedEntries = 4096;  // a model parameter up to this size is checked whole
}  // namespace conformance

// Runs every check that applies to `plugin`'s kind. `params` are "key=value"
// settings for its parameters (validated like experiment overrides; a bad one
// throws ConfigError); parameters not given take their defaults. A required
// parameter left out fails the construction check and skips the checks that
// need an object. Never throws for a misbehaving plugin: that is a failed check.
//
// A model is checked at several settings, each on top of `params`: as given, with num_layers: 2 (when it
// has that parameter) and with a batch of one sequence; `settings`, when given, replaces that list (each
// entry a list of "key=value", an empty one meaning `params` alone). Each check's name says its setting.
ConformanceReport check_plugin(const LoadedPlugin& plugin, const std::vector<std::string>& params = {},
                               const std::optional<std::vector<std::vector<std::string>>>& settings = std::nullopt);

// The report as printed by `seqlab check`: a header, one line per check, a verdict.
std::string format_report(const ConformanceReport& report);

}  // namespace seqlab
