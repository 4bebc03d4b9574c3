// Run and sweep folders read back as the files they document (config.yaml, summary.json, sweep_trial.json).
// Tested in tests/report/test_report_html.cpp, tests/cli/test_report_command.cpp
#include "report/run_entries.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <stdexcept>
#include <yaml-cpp/yaml.h>

#include "report/test_metric.hpp"
#include "util/regular_file.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// The record sweep/trial_record.cpp writes into each trial's folder; read here as a file, below the sweep layer.
constexpr const char* kSweepTrialRecord = "sweep_trial.json";

void flatten(const YAML::Node& node, const std::string& prefix, Settings& out) {
  if (node.IsMap()) {
    for (const auto& pair : node)
      flatten(pair.second, prefix.empty() ? pair.first.Scalar() : prefix + "." + pair.first.Scalar(), out);
  } else if (node.IsSequence()) {
    std::string text = "[";
    for (std::size_t i = 0; i < node.size(); ++i) text += (i ? ", " : "") + node[i].Scalar();
    out[prefix] = text + "]";
  } else {
    out[prefix] = node.Scalar();
  }
}

nlohmann::json json_of(const fs::path& file) {
  try {
    // A regular file of a record's size only: a FIFO planted in a shared folder would block the read.
    return nlohmann::json::parse(read_regular_file(file, kMaxRecordBytes));
  } catch (const std::exception&) {
    return nullptr;  // cut short by a kill: as if it were not there
  }
}

// A run folder as given on its own: config.yaml and summary.json are both required.
RunEntry read_run(const fs::path& dir, const std::string& label) {
  RunEntry run;
  run.folder = dir;
  run.label = label;
  run.summary = json_of(dir / "summary.json");
  if (!run.summary.is_object() || !fs::exists(dir / "config.yaml"))
    throw std::runtime_error(dir.string() + ": not a seqlab run folder (it needs config.yaml and summary.json)");
  flatten(YAML::LoadFile((dir / "config.yaml").string()), "", run.settings);
  return run;
}

// A sweep's trial: its run's files where they exist, its record's status, seed and swept values over them.
bool read_trial(const fs::path& dir, const std::string& label, const std::string& group, bool failed_trials,
                RunEntry& run) {
  run.folder = dir;
  run.label = label;
  run.group = group;
  run.summary = json_of(dir / "summary.json");
  const nlohmann::json record = json_of(dir / kSweepTrialRecord);
  if (!run.summary.is_object() && !(failed_trials && record.is_object())) return false;
  if (!run.summary.is_object()) run.summary = nlohmann::json::object();
  if (fs::exists(dir / "config.yaml")) {
    try {
      flatten(YAML::LoadFile((dir / "config.yaml").string()), "", run.settings);
    } catch (const YAML::Exception&) {
      // A trial killed mid-write: its record's values below still say what it was.
    }
  }
  if (!record.is_object()) return true;
  if (!run.summary.contains("status") && record.contains("status")) run.summary["status"] = record["status"];
  if (record.contains("seconds") && record["seconds"].is_number()) run.summary["seconds"] = record["seconds"];
  if (record.contains("overrides") && record["overrides"].is_array())
    for (const auto& o : record["overrides"]) {
      const std::string text = o.is_string() ? o.get<std::string>() : "";
      const std::size_t eq = text.find('=');
      if (eq == std::string::npos) continue;
      run.settings[text.substr(0, eq)] = text.substr(eq + 1);
      run.swept.push_back(text.substr(0, eq));
    }
  if (record.contains("seed") && record["seed"].is_number_unsigned()) {
    run.settings["seed"] = std::to_string(record["seed"].get<std::uint64_t>());
    run.swept.push_back("seed");
  }
  return true;
}

}  // namespace

std::vector<RunEntry> read_run_entries(const std::vector<std::string>& given, bool failed_trials) {
  std::vector<RunEntry> runs;
  for (const auto& folder : given) {
    const fs::path dir = folder;
    if (!fs::is_directory(dir / "trials")) {
      runs.push_back(read_run(dir, folder));
      continue;
    }
    std::set<fs::path> trials;  // in name order
    for (const auto& entry : fs::directory_iterator(dir / "trials"))
      if (entry.is_directory()) trials.insert(entry.path());
    for (const auto& trial : trials) {
      RunEntry run;
      if (read_trial(trial, folder + "/trials/" + trial.filename().string(), folder, failed_trials, run))
        runs.push_back(std::move(run));
    }
  }
  return runs;
}

std::string entry_status(const RunEntry& run) {
  return run.summary.is_object() && run.summary.contains("status") && run.summary["status"].is_string()
             ? run.summary["status"].get<std::string>()
             : "";
}

double entry_number(const RunEntry& run, const std::string& key) {
  if (!run.summary.is_object()) return NAN;
  if (is_test_metric(key)) return test_metric(run.summary, key);
  for (const std::string& name : {key, "final_" + key})
    if (run.summary.contains(name) && run.summary[name].is_number()) return run.summary[name].get<double>();
  return NAN;
}

std::vector<std::string> numeric_keys(const std::vector<RunEntry>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    if (run.summary.is_object())
      for (const auto& [key, value] : run.summary.items())
        if (value.is_number()) keys.insert(key);
  for (const auto& run : runs)
    for (const auto& key : test_metric_keys(run.summary)) keys.insert(key);
  return {keys.begin(), keys.end()};
}

std::string choose_metric(const std::vector<RunEntry>& runs, const std::string& wanted) {
  auto has = [&](const std::string& metric) {
    return std::any_of(runs.begin(), runs.end(),
                       [&](const RunEntry& run) { return std::isfinite(entry_number(run, metric)); });
  };
  if (wanted.empty()) return has("val_loss") || !has("train_loss") ? "val_loss" : "train_loss";
  if (has(wanted)) return wanted;
  std::string known;
  for (const auto& key : numeric_keys(runs)) known += (known.empty() ? "" : ", ") + key;
  throw std::runtime_error("--metric " + wanted + ": no run's summary.json has it (known: " + known + ")");
}

std::vector<std::size_t> rank_entries(const std::vector<RunEntry>& runs, const std::string& metric) {
  std::vector<std::size_t> ranked, rest;
  for (std::size_t i = 0; i < runs.size(); ++i)
    (entry_status(runs[i]) == "completed" && std::isfinite(entry_number(runs[i], metric)) ? ranked : rest).push_back(i);
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return entry_number(runs[a], metric) < entry_number(runs[b], metric);
  });
  ranked.insert(ranked.end(), rest.begin(), rest.end());
  return ranked;
}

}  // namespace seqlab
