// One experiment resolved under many sets of overrides (a sweep's trials), parsing the file once.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "config/experiment.hpp"

namespace seqlab {

class ExperimentVariants {
 public:
  // Parses `file` with `base_overrides` and resolves it, as load_experiment does. `registry` must outlive this.
  ExperimentVariants(const std::string& file, const std::vector<std::string>& base_overrides,
                     const PluginRegistry& registry);

  // resolved_configuration() of the experiment with `overrides` after the base ones: the same text, and
  // the same ConfigError for a bad setting, as resolving ExperimentSource(file, base + overrides) would
  // give. Each part of the experiment (experiment_part_of) is validated, and its text emitted, once per
  // distinct set of the overrides it reads, so a sweep checks each plugin setting once, not once per trial.
  std::string configuration(const std::vector<std::string>& overrides);

 private:
  ExperimentSource base_;
  const PluginRegistry& registry_;
  std::vector<std::string> base_parts_;                      // each part's text with no overrides of its own
  std::unordered_map<std::string, std::string> part_texts_;  // "<part> <its overrides>" -> that part's text
};

}  // namespace seqlab
