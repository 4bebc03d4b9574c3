// The runs a `seqlab compare` or `seqlab report` is given, read from their folders: run folders, sweep folders
// (their trials), or both; and their ranking by a metric.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plots/curve_labels.hpp"

namespace seqlab {

struct RunEntry {
  std::filesystem::path folder;
  std::string label;  // the folder as given, or <sweep>/trials/<id>
  std::string group;  // the sweep folder it came from, as given; "" for a run given on its own
  // config.yaml flattened ("optimizer.lr" -> "0.01"). A sweep trial's swept values, as the sweep wrote them, take
  // the place of config.yaml's (and stand in for a config.yaml a failed trial never wrote), with its seed.
  Settings settings;
  std::vector<std::string> swept;  // a sweep trial's swept settings in the sweep's order, then "seed"; else empty
  // summary.json; a sweep trial also gets its record's `status` (when the run has none) and `seconds`.
  nlohmann::json summary;
};

// Each folder in `given`: one with trials/ is a sweep, and adds its trials in name order (those with a
// summary.json; with `failed_trials`, also those whose sweep_trial.json records a failure); any other must be a
// run folder (config.yaml and summary.json). Throws std::runtime_error naming a folder that is neither.
std::vector<RunEntry> read_run_entries(const std::vector<std::string>& given, bool failed_trials = false);

// `summary.json`'s "status", or "" without one.
std::string entry_status(const RunEntry& run);
// A number of the summary: `key` itself ("median_epoch_ms"), final_<key> ("val_loss") or a test score in the
// data's units ("test.rmse", "test.mase.<target>": report/test_metric.hpp); NaN when it has none.
double entry_number(const RunEntry& run, const std::string& key);
// The numeric keys the runs' summaries hold, sorted, for the message about an unknown metric.
std::vector<std::string> numeric_keys(const std::vector<RunEntry>& runs);

// The metric to rank `runs` by: `wanted`, or when it is empty val_loss (train_loss when no run has a validation
// loss). Throws std::runtime_error when no run has a number for `wanted`, listing the numbers they have.
std::string choose_metric(const std::vector<RunEntry>& runs, const std::string& wanted);

// Indices into `runs`, best first: completed runs with a finite `metric` (entry_number) from lowest to highest,
// ties in the given order, then every other run in the given order.
std::vector<std::size_t> rank_entries(const std::vector<RunEntry>& runs, const std::string& metric);

}  // namespace seqlab
