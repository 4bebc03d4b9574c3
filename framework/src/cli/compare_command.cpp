// `seqlab compare RUN_DIR...`: how runs differ in configuration and what each reached, from their records.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "cli/subcommand.hpp"
#include "runs/plots.hpp"
#include "runs/run_folder.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

struct CompareOptions {
  std::vector<std::string> runs;  // run folders, or sweep folders (their trials/* are compared)
  std::string out;                // if set: compare.md and the overlaid loss curves are written here
};

struct RunRecord {
  std::string label;                          // the folder, as given or relative to its sweep
  std::map<std::string, std::string> config;  // "optimizer.lr" -> "0.01"
  nlohmann::json summary;
  LossCurve curve;
};

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
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

// Throws std::runtime_error naming the folder when it holds no run record.
RunRecord read_run(const fs::path& dir, const std::string& label) {
  RunRecord run;
  run.label = label;
  std::ifstream summary(dir / "summary.json");
  if (!summary || !fs::exists(dir / "config.yaml"))
    throw std::runtime_error(dir.string() + ": not a seqlab run folder (it needs config.yaml and summary.json)");
  run.summary = nlohmann::json::parse(summary);
  flatten(YAML::LoadFile((dir / "config.yaml").string()), "", run.config);
  if (fs::exists(dir / "metrics.csv")) run.curve = read_loss_curve((dir / "metrics.csv").string());
  return run;
}

std::string metric(const nlohmann::json& summary, const char* key) {
  if (!summary.contains(key) || summary[key].is_null()) return "";
  if (summary[key].is_number_float()) return fmt::format("{:.4g}", summary[key].get<double>());
  if (summary[key].is_string()) return summary[key].get<std::string>();
  return summary[key].dump();
}

// Prints a Markdown table: one row per run, a column for every setting whose
// value differs between the runs, then the metrics. Exit 0, or 2 when a folder
// is not a run.
int compare(const CompareOptions& options) {
  std::vector<RunRecord> runs;
  try {
    for (const auto& given : options.runs) {
      const fs::path dir = given;
      if (fs::is_directory(dir / "trials")) {  // a sweep: every trial in it, in name order
        std::set<fs::path> trials;
        for (const auto& entry : fs::directory_iterator(dir / "trials"))
          if (fs::exists(entry.path() / "summary.json")) trials.insert(entry.path());
        for (const auto& trial : trials)
          runs.push_back(read_run(trial, given + "/trials/" + trial.filename().string()));
      } else {
        runs.push_back(read_run(dir, given));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  if (runs.empty()) {
    std::cerr << "error: no runs to compare\n";
    return 2;
  }

  // The settings that differ: present in some runs only, or with other values.
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& [key, value] : run.config) keys.insert(key);
  std::vector<std::string> differing;
  for (const auto& key : keys) {
    std::set<std::string> values;
    for (const auto& run : runs) values.insert(run.config.count(key) ? run.config.at(key) : "(unset)");
    if (values.size() > 1) differing.push_back(key);
  }

  const char* metrics[] = {"status",         "epochs",        "final_train_loss",
                           "final_val_loss", "best_val_loss", "median_epoch_ms"};
  std::ostringstream table;
  table << "| run |";
  for (const auto& key : differing) table << " " << key << " |";
  for (const char* m : metrics) table << " " << m << " |";
  table << "\n|---|";
  for (std::size_t i = 0; i < differing.size() + std::size(metrics); ++i) table << "---|";
  table << "\n";
  for (const auto& run : runs) {
    table << "| " << run.label << " |";
    for (const auto& key : differing) table << " " << (run.config.count(key) ? run.config.at(key) : "(unset)") << " |";
    for (const char* m : metrics) table << " " << metric(run.summary, m) << " |";
    table << "\n";
  }
  if (differing.empty()) table << "\nThe runs' configurations are identical.\n";
  std::cout << table.str();

  if (!options.out.empty()) {
    fs::create_directories(options.out);
    std::ofstream(fs::path(options.out) / "compare.md") << "# seqlab compare\n\n" << table.str();
    std::vector<LabelledCurve> curves;
    for (const auto& run : runs)
      if (!run.curve.epochs.empty()) curves.push_back({run.label, run.curve});
    const PlotOutcome plot = plot_loss_overlay(options.out, "loss_overlay", curves, "loss curves");
    if (!plot.drawn) std::cerr << "note: " << plot.note << "\n";
    std::cout << "wrote " << (fs::path(options.out) / "compare.md").string() << " and loss_overlay.png\n";
  }
  return 0;
}

}  // namespace

Subcommand add_compare_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<CompareOptions>();
  auto* command = app.add_subcommand(
      "compare", "compare runs (or sweeps): the settings that differ, the metrics, and overlaid loss curves");
  command->add_option("runs", options->runs, "run folders, or sweep folders")->required()->type_name("RUN_DIR...");
  command->add_option("--out", options->out, "also write compare.md and loss_overlay.png into DIR")->type_name("DIR");
  return {command, [options] { return compare(*options); }};
}

}  // namespace seqlab
