// `seqlab compare RUN_DIR...`: how runs differ in configuration and what each reached, from their records.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/subcommand.hpp"
#include "report/comparable_units.hpp"
#include "report/run_entries.hpp"
#include "report/test_metric.hpp"
#include "util/atomic_file.hpp"
#include "util/short_list.hpp"
#include "plots/curve_labels.hpp"
#include "plots/plots.hpp"
#include "runs/run_folder.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

struct CompareOptions {
  std::vector<std::string> runs;  // run folders, or sweep folders (their trials/* are compared)
  std::string out;                // if set: compare.md and the overlaid loss curves are written here
  std::string metric;             // empty: val_loss, or train_loss when no run has a validation loss
  std::size_t top = 0;            // 0: every run
};

std::string metric(const nlohmann::json& summary, const char* key) {
  if (!summary.contains(key) || summary[key].is_null()) return "";
  if (summary[key].is_number_float()) return fmt::format("{:.4g}", summary[key].get<double>());
  if (summary[key].is_string()) return summary[key].get<std::string>();
  return summary[key].dump();
}

std::string metric_text(double value) { return std::isfinite(value) ? fmt::format("{:.4g}", value) : ""; }

// A metric's column heading; a test score's target name comes from the data and is shown escaped.
std::string shown_key(const std::string& key) { return printable(key, std::string::npos); }

std::string setting(const RunEntry& run, const std::string& key) {
  const auto at = run.settings.find(key);
  return at == run.settings.end() ? "(unset)" : at->second;
}

// The shown runs in table order: grouped by sweep (groups in the order given, runs given alone together),
// each group best first.
std::vector<std::size_t> grouped(const std::vector<RunEntry>& runs, const std::vector<std::size_t>& shown) {
  std::vector<std::string> groups;
  for (const auto& run : runs)
    if (std::find(groups.begin(), groups.end(), run.group) == groups.end()) groups.push_back(run.group);
  std::vector<std::size_t> order;
  for (const auto& group : groups)
    for (std::size_t i : shown)
      if (runs[i].group == group) order.push_back(i);
  return order;
}

// The shown runs' loss curves, best first, labelled by the settings that tell them apart (and their sweep's
// folder name when they come from several).
void write_overlay(const CompareOptions& options, const std::vector<RunEntry>& runs,
                   const std::vector<std::size_t>& shown, const std::string& title) {
  std::vector<LabelledCurve> curves;
  std::vector<Settings> settings;
  std::vector<std::string> fallbacks, groups;
  for (std::size_t i : shown) {
    const fs::path metrics = runs[i].folder / "metrics.csv";
    if (!fs::exists(metrics)) continue;
    curves.push_back({"", read_loss_curve(metrics.string())});
    if (curves.back().curve.epochs.empty()) {
      curves.pop_back();
      continue;
    }
    settings.push_back(runs[i].settings);
    fallbacks.push_back(runs[i].label);
    groups.push_back(runs[i].group.empty() ? "" : fs::path(runs[i].group).filename().string());
  }
  const bool several_groups = std::set<std::string>(groups.begin(), groups.end()).size() > 1;
  const std::vector<std::string> labels = curve_labels(settings, differing_keys(settings), fallbacks);
  for (std::size_t k = 0; k < curves.size(); ++k)
    curves[k].label =
        fmt::format("{}. {}{}", k + 1, several_groups && !groups[k].empty() ? groups[k] + ": " : "", labels[k]);
  const PlotOutcome plot = plot_loss_overlay(options.out, "loss_overlay", curves, title);
  if (!plot.drawn) std::cerr << "note: " << plot.note << "\n";
}

// Prints a Markdown table: one row per run, a column for every setting whose
// value differs between the runs, then the metrics. Exit 0, or 2 when a folder
// is not a run or no run has the metric.
int compare(const CompareOptions& options) {
  std::vector<RunEntry> runs;
  std::string by;  // the metric
  try {
    runs = read_run_entries(options.runs);
    if (runs.empty()) throw std::runtime_error("no runs to compare");
    by = choose_metric(runs, options.metric);
    require_comparable_units(runs, by);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  std::vector<std::size_t> ranked = rank_entries(runs, by);
  std::vector<std::size_t> rank_of(runs.size());
  for (std::size_t k = 0; k < ranked.size(); ++k) rank_of[ranked[k]] = k + 1;
  const std::size_t total = ranked.size();
  if (options.top > 0 && ranked.size() > options.top) ranked.resize(options.top);
  const std::vector<std::size_t> rows = grouped(runs, ranked);

  std::vector<Settings> shown_settings;
  for (std::size_t i : rows) shown_settings.push_back(runs[i].settings);
  const std::vector<std::string> differing = differing_keys(shown_settings);
  std::set<std::string> groups;
  for (std::size_t i : rows) groups.insert(runs[i].group);
  const bool group_column = groups.size() > 1;

  std::vector<std::string> metrics = {"status",         "epochs",        "final_train_loss",
                                      "final_val_loss", "best_val_loss", "median_epoch_ms"};
  if (is_test_metric(by)) metrics.push_back(by);  // a test score is not a summary.json key of its own
  std::ostringstream table;
  const bool own_key = is_test_metric(by) || std::any_of(runs.begin(), runs.end(), [&](const RunEntry& run) {
                         return run.summary.is_object() && run.summary.contains(by);
                       });
  const std::string ranked_by = own_key ? by : "final " + by;  // "median_epoch_ms", "final val_loss"
  if (rows.size() < total)
    table << fmt::format("The {} best of {} runs by {} (lower is better).\n\n", rows.size(), total, ranked_by);
  else
    table << fmt::format("{} runs, ranked by {} (lower is better).\n\n", total, ranked_by);
  table << "| rank | run |" << (group_column ? " sweep |" : "");
  for (const auto& key : differing) table << " " << printable(key, std::string::npos) << " |";
  for (const auto& m : metrics) table << " " << shown_key(m) << " |";
  table << "\n|---|---|" << (group_column ? "---|" : "");
  for (std::size_t i = 0; i < differing.size() + metrics.size(); ++i) table << "---|";
  table << "\n";
  // Folder names, settings and records come from the runs' files (data): a control character in one is shown
  // escaped, never sent to the terminal.
  const auto shown = [](const std::string& text) { return printable(text, std::string::npos); };
  for (std::size_t i : rows) {
    const RunEntry& run = runs[i];
    table << "| " << rank_of[i] << " | " << shown(run.label) << " |";
    if (group_column) table << " " << (run.group.empty() ? "-" : shown(run.group)) << " |";
    for (const auto& key : differing) table << " " << shown(setting(run, key)) << " |";
    for (const auto& m : metrics)
      table << " " << shown(is_test_metric(m) ? metric_text(entry_number(run, m)) : metric(run.summary, m.c_str()))
            << " |";
    table << "\n";
  }
  if (differing.empty()) table << "\nThe runs' configurations are identical.\n";
  std::cout << table.str();

  if (!options.out.empty()) {
    fs::create_directories(options.out);
    // Through the folder's descriptor, as every file seqlab writes: a link planted at compare.md is replaced.
    write_file_atomically((fs::path(options.out) / "compare.md").string(), "# seqlab compare\n\n" + table.str());
    write_overlay(options, runs, ranked,  // the curves in rank order, whatever their group
                  rows.size() < total ? fmt::format("the {} best of {} runs by {}", rows.size(), total, ranked_by)
                                      : fmt::format("loss curves, ranked by {}", ranked_by));
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
  command
      ->add_option("--metric", options->metric,
                   "rank by this summary.json number, lower first: val_loss (final_val_loss), train_loss, "
                   "best_val_loss, median_epoch_ms, ..., or a test score in the data's units: test.rmse, test.mae, "
                   "test.mase, test.smape, test.rmse.<target> (default: val_loss, or train_loss without validation; "
                   "losses only when the runs' transform, difference and normalisation agree)")
      ->type_name("NAME");
  command->add_option("--top", options->top, "show only the N best runs, in the table and the plot")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  return {command, [options] { return compare(*options); }};
}

}  // namespace seqlab
