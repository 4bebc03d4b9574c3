// The checks of each plugin kind, one file each; check_plugin() runs the schema checks and its kind's.
#pragma once

#include <string>
#include <vector>

#include "conformance/conformance.hpp"
#include "seqlab/params.hpp"

namespace seqlab::conformance {

// Names, summary, and every parameter's declaration (schema_checks.cpp).
std::vector<CheckResult> schema_checks(const LoadedPlugin& plugin);

// Each creates the plugin with `params` (`with` says how, for the report), then
// checks what its kind promises.
// `batch`: sequences per forward pass.
std::vector<CheckResult> model_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with,
                                      std::size_t batch);
std::vector<CheckResult> loss_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with);
std::vector<CheckResult> optimizer_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                          const std::string& with);
std::vector<CheckResult> scheduler_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                          const std::string& with);
std::vector<CheckResult> dataset_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with);

}  // namespace seqlab::conformance
