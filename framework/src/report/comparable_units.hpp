// Whether runs' losses can be ranked against each other: a loss is in the model's units, which a target transform,
// differencing and normalisation change; a test score in the data's units can always be.
#pragma once

#include <string>
#include <vector>

#include "report/run_entries.hpp"

namespace seqlab {

// A run's model units as data_units.json records them: "transform none, difference [], normalize zscore"
// (a missing key counts as none; "" without data_units.json).
std::string run_units(const RunEntry& run);

// Throws std::runtime_error when `metric` is a loss (its name has "loss" in it) and the runs' units
// (run_units) differ: it names two runs and their units and suggests --metric test.rmse.
void require_comparable_units(const std::vector<RunEntry>& runs, const std::string& metric);

}  // namespace seqlab
