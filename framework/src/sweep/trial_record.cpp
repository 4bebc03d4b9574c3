// Reading and writing trial records, and reading back what a trial's run wrote.
// Tested in tests/sweep/test_sweep.cpp, tests/sweep/test_sweep_symlinks.cpp
#include "sweep/trial_record.hpp"

#include <deque>
#include <fstream>

#include "util/folder_handle.hpp"
#include "util/regular_file.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

constexpr std::size_t kTailLines = 20;

double number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

}  // namespace

fs::path trial_folder(const fs::path& out, const SweepTrial& trial) { return out / "trials" / trial.id; }

nlohmann::json read_json(const fs::path& file) {
  try {
    // A regular file of a record's size only: a FIFO planted in a shared folder would block the read.
    return nlohmann::json::parse(read_regular_file(file, kMaxRecordBytes));
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string tail_of(const fs::path& file) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > kTailLines) lines.pop_front();
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

std::string run_status(const fs::path& dir) {
  const nlohmann::json s = read_json(dir / "summary.json");
  return s.is_object() && s.contains("status") && s["status"].is_string() ? s["status"].get<std::string>() : "";
}

void read_run_metrics(const fs::path& dir, TrialResult& r) {
  const nlohmann::json s = read_json(dir / "summary.json");
  if (!s.is_object()) return;
  r.final_train_loss = number(s, "final_train_loss");
  r.final_val_loss = number(s, "final_val_loss");
  r.best_val_loss = number(s, "best_val_loss");
  if (r.seconds == 0) r.seconds = number(s, "train_seconds");
}

double metric_value(const std::string& metric, const TrialResult& result) {
  return metric == "train_loss" ? result.final_train_loss : result.final_val_loss;
}

TrialResult result_from_record(const nlohmann::json& record, const fs::path& dir, const std::string& fallback) {
  TrialResult r;
  r.known = true;
  r.status = fallback;
  if (record.is_object()) {
    if (record.contains("status") && record["status"].is_string()) r.status = record["status"];
    if (record.contains("detail") && record["detail"].is_string()) r.detail = record["detail"];
    if (record.contains("error_tail") && record["error_tail"].is_string()) r.error_tail = record["error_tail"];
    r.seconds = number(record, "seconds");
    if (std::isnan(r.seconds)) r.seconds = 0;
    if (record.contains("rung") && record["rung"].is_number_integer()) r.rung = record["rung"];
    if (record.contains("rungs") && record["rungs"].is_array())
      for (const auto& rung : record["rungs"])
        if (rung.is_object() && rung.contains("epochs") && rung["epochs"].is_number_integer())
          r.rungs.emplace_back(rung["epochs"].get<int>(), number(rung, "metric"));
  }
  if (fallback == "completed") r.status = "completed";
  read_run_metrics(dir, r);
  return r;
}

void write_trial_record(const fs::path& dir, const SweepTrial& trial, const TrialResult& r) {
  nlohmann::json record = {
      {"id", trial.id},     {"status", r.status},           {"detail", r.detail},        {"seconds", r.seconds},
      {"seed", trial.seed}, {"overrides", trial.overrides}, {"error_tail", r.error_tail}};
  if (!r.rungs.empty()) {
    record["rung"] = r.rung;
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& [epochs, metric] : r.rungs)  // NaN (a failed rung) is written as null
      rungs.push_back({{"epochs", epochs}, {"metric", std::isfinite(metric) ? nlohmann::json(metric) : nullptr}});
    record["rungs"] = rungs;
  }
  // The trial's folder is the sweep's own: a link there is refused, not followed (util/folder_handle.hpp).
  FolderHandle::open_made(dir, false, "sweep folder").write(kTrialRecord, record.dump(2) + "\n");
}

}  // namespace seqlab
