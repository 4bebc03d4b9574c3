// One entry of `sweep.parameters`: a list, a range, a log-uniform distribution, or per-plugin parameter sets.
#pragma once

#include <string>
#include <yaml-cpp/yaml.h>

#include "config/experiment_source.hpp"
#include "sweep/sweep_spec.hpp"

namespace seqlab {

// Parses the entry `key: value` of `sweep.parameters` for a sweep of `method` (grid | random).
// Throws ConfigError at the offending key or value, saying what would be right.
SweepParameter parse_sweep_parameter(const ExperimentSource& source, const std::string& method, const YAML::Node& key,
                                     const YAML::Node& value);

}  // namespace seqlab
