// `seqlab report DIR...`: the report page (report.html) for run folders, sweep folders or both.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/subcommand.hpp"
#include "report/report_page.hpp"
#include "util/regular_file.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

struct ReportOptions {
  std::vector<std::string> folders;  // run folders, sweep folders or both
  std::string out;                   // the page; default: report.html in the one sweep folder given, else here
  std::string metric;                // empty: the sweep's own, else val_loss (train_loss without validation)
  bool no_plots = false;
};

// The metric a sweep folder ranks by (best.json records it), or "" when it has not said yet.
std::string sweep_metric(const fs::path& sweep) {
  nlohmann::json best;
  try {  // a regular file of a record's size only: a FIFO planted in a shared folder would block the read
    best = nlohmann::json::parse(read_regular_file(sweep / "best.json", kMaxRecordBytes), nullptr, false);
  } catch (const UnreadableFile&) {
  }
  return best.is_object() && best.contains("metric") && best["metric"].is_string() ? best["metric"].get<std::string>()
                                                                                   : "";
}

// One sweep given alone reads as its own page does: trials by id, its swept settings as the columns.
void as_one_sweep(ReportPage& page, const fs::path& sweep) {
  for (auto& run : page.runs) {
    run.label = run.folder.filename().string();
    if (page.columns.empty()) page.columns = run.swept;
  }
  std::string name = sweep.filename().string();
  for (const auto& run : page.runs)
    if (run.settings.count("name")) name = run.settings.at("name");
  page.title = "Sweep: " + name;
}

int report(const ReportOptions& options) {
  ReportPage page;
  page.plots = !options.no_plots;
  const bool one_sweep = options.folders.size() == 1 && fs::is_directory(fs::path(options.folders[0]) / "trials");
  try {
    page.runs = read_run_entries(options.folders, true);
    if (page.runs.empty()) throw std::runtime_error("no finished runs in " + options.folders[0]);
    const std::string wanted = options.metric.empty() && one_sweep ? sweep_metric(options.folders[0]) : options.metric;
    page.metric = choose_metric(page.runs, wanted);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  if (one_sweep) {
    as_one_sweep(page, options.folders[0]);
  } else {
    std::vector<Settings> settings;
    for (const auto& run : page.runs) settings.push_back(run.settings);
    page.columns = differing_keys(settings);
    page.title = fmt::format("{} runs", page.runs.size());
  }
  std::size_t completed = 0;
  for (const auto& run : page.runs) completed += entry_status(run) == "completed";
  page.state =
      fmt::format("{} runs: {} completed, {} failed", page.runs.size(), completed, page.runs.size() - completed);
  const fs::path out = !options.out.empty() ? fs::path(options.out)
                       : one_sweep          ? fs::path(options.folders[0]) / "report.html"
                                            : fs::path("report.html");
  try {
    const std::string note = write_report(page, out);
    if (!note.empty()) std::cerr << "note: " << note << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::cout << fmt::format("wrote {} ({} runs, ranked by final {})\n", out.string(), page.runs.size(), page.metric);
  return 0;
}

}  // namespace

Subcommand add_report_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<ReportOptions>();
  auto* command = app.add_subcommand(
      "report", "write report.html for runs or sweeps: the runs ranked, the best one's settings, plots as SVG");
  command->add_option("folders", options->folders, "run folders, sweep folders, or both")
      ->required()
      ->type_name("DIR...");
  command
      ->add_option("--out", options->out,
                   "the page to write (default: report.html in the sweep folder when one is given alone, else in the "
                   "current folder); its plots go into <name>_files/ beside it")
      ->type_name("FILE");
  command
      ->add_option("--metric", options->metric,
                   "rank by this summary.json number, lower first (default: the sweep's metric, else val_loss, or "
                   "train_loss without validation)")
      ->type_name("NAME");
  command->add_flag("--no-plots", options->no_plots, "write the page without its gnuplot images");
  return {command, [options] { return report(*options); }};
}

}  // namespace seqlab
