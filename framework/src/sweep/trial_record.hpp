// A trial's outcome, and its record sweep_trial.json in the trial's folder: written once, read by every later sweep.
#pragma once

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sweep/sweep_spec.hpp"

namespace seqlab {

inline constexpr const char* kTrialRecord = "sweep_trial.json";

struct TrialResult {
  bool known = false;  // finished now or earlier; false: not run (interrupted)
  std::string status;  // completed | diverged | failed | timeout | crashed
  std::string detail;  // "exit 1", "signal 11", ...
  double seconds = 0;
  double final_train_loss = std::nan(""), final_val_loss = std::nan(""), best_val_loss = std::nan("");
  std::string error_tail;
  // Successive halving (sweep.scheduler): the last rung the trial trained (0-based), and per rung
  // trained, its epochs and the sweep's metric at its end, which the rung's promotions ranked.
  int rung = 0;
  std::vector<std::pair<int, double>> rungs;
};

// The value of the sweep's `metric` ("val_loss" or "train_loss") in a result: its final loss.
double metric_value(const std::string& metric, const TrialResult& result);

// <out>/trials/<id>: the trial's run folder.
std::filesystem::path trial_folder(const std::filesystem::path& out, const SweepTrial& trial);

// The JSON in `file`, or null when it is missing or not JSON (a record cut short).
nlohmann::json read_json(const std::filesystem::path& file);

// The last lines of a log, for the summary of a failed trial.
std::string tail_of(const std::filesystem::path& file);

// The `status` of the run's summary.json in `dir` ("completed", "diverged"), or "" when it has none.
std::string run_status(const std::filesystem::path& dir);

// Fills the losses (and the seconds, when still 0) from the run's summary.json in `dir`.
void read_run_metrics(const std::filesystem::path& dir, TrialResult& result);

// The result a record says (null: none) with `fallback` as the status it lacks;
// "completed" when the run's own summary says so.
TrialResult result_from_record(const nlohmann::json& record, const std::filesystem::path& dir,
                               const std::string& fallback);

// Writes <dir>/sweep_trial.json atomically.
void write_trial_record(const std::filesystem::path& dir, const SweepTrial& trial, const TrialResult& result);

}  // namespace seqlab
