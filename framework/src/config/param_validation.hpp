// Checking YAML settings against a parameter schema: types, ranges, choices, unknown keys, defaults.
#pragma once

#include <set>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "config/experiment_source.hpp"
#include "seqlab/params.hpp"

namespace seqlab {

// Validates the section at `section_path` (e.g. "optimizer") of `source`
// against `schema`. Keys in `reserved` (e.g. "plugin") belong to the runner and
// are skipped. `owner` names the schema's owner in messages ("optimizer plugin
// 'sgd'"). Fills defaults; throws ConfigError at the offending key.
ParamValues validate_params(const ParamSchema& schema, const ExperimentSource& source, const std::string& section_path,
                            const std::set<std::string>& reserved, const std::string& owner);

// Parameters given on a command line as "key=value" (`seqlab check`, `seqlab call --set`), each value parsed as
// YAML and checked as an experiment's would be; the rest take their defaults. A relative path is taken from the
// current folder. Throws ConfigError naming the setting; a required parameter left out is refused too.
ParamValues validate_settings(const ParamSchema& schema, const std::vector<std::string>& settings,
                              const std::string& owner);

// Every declared default; throws std::logic_error if a parameter is required.
ParamValues default_params(const ParamSchema& schema);

// A value as it is written in YAML (shortest text that reads back the same).
std::string format_value(const ParamValue& value);

// "int", "float", "bool", "string", "one of last|sequence", "list of 2 floats".
std::string type_text(const ParamSpec& spec);

// "> 0", ">= 1", "[0, 1]", or "" when unbounded.
std::string range_text(const ParamSpec& spec);

}  // namespace seqlab
