// Successive halving: `sweep.scheduler: {plugin: halving, ...}` parsed, its rungs' budgets and its promotions.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "config/experiment_source.hpp"
#include "seqlab/params.hpp"

namespace seqlab {

// Every trial trains min_epochs; the best 1/reduction_factor of them continue, from their
// checkpoints, to min_epochs * reduction_factor; and so on up to max_epochs.
struct HalvingSpec {
  int min_epochs = 1;
  int max_epochs = 1;
  int reduction_factor = 3;
};

// The `sweep.scheduler` section, or nothing when there is none; throws ConfigError at a bad entry.
// The keys of `sweep.scheduler:` (docs/reference/runner.md is made from it).
const ParamSchema& halving_schema();

std::optional<HalvingSpec> parse_halving(const ExperimentSource& source);

// The epochs each rung trains a trial to: min, min*f, min*f^2, ..., the last capped at max.
std::vector<int> rung_epochs(const HalvingSpec& spec);

// Which of a rung's trials go on to the next rung: the best count / reduction_factor
// (at least one) by `metric` (lower is better; NaN, a failed or diverged trial, never
// goes on), ties broken by the trials' order in the sweep. `metric[k]` belongs to the
// k-th trial of the rung, which are given in sweep order; returns positions in it, in order.
std::vector<std::size_t> promoted(const std::vector<double>& metric, int reduction_factor);

}  // namespace seqlab
