// The sweep's trials as a report page (report/), from what the scheduler knows: no trial folder is read but
// for the plots.
// Tested in tests/cli/test_report_command.cpp, tests/report/browser_test.py
#include "sweep/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iostream>

#include "report/report_page.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

constexpr std::chrono::seconds kMinInterval{2};
constexpr int kCostFactor = 10;

nlohmann::json summary_of(const TrialResult& r) {
  nlohmann::json summary = {{"status", r.status}, {"seconds", r.seconds}};
  const std::pair<const char*, double> losses[] = {{"final_train_loss", r.final_train_loss},
                                                   {"final_val_loss", r.final_val_loss},
                                                   {"best_val_loss", r.best_val_loss}};
  for (const auto& [key, value] : losses)
    if (std::isfinite(value)) summary[key] = value;
  return summary;
}

}  // namespace

SweepReport::SweepReport(fs::path out, std::string name, const SweepSpec& spec, const std::vector<SweepTrial>& trials,
                         bool plots)
    : out_(std::move(out)), name_(std::move(name)), spec_(spec), trials_(trials), plots_(plots) {}

void SweepReport::refresh(const std::vector<TrialResult>& results) {
  if (!stale_) return;
  const auto now = std::chrono::steady_clock::now();
  if (written_ && now - last_ < std::max<std::chrono::steady_clock::duration>(kMinInterval, cost_ * kCostFactor))
    return;
  write(results, true);
}

void SweepReport::finish(const std::vector<TrialResult>& results) { write(results, false); }

void SweepReport::write(const std::vector<TrialResult>& results, bool live) {
  const auto started = std::chrono::steady_clock::now();
  ReportPage page;
  page.title = "Sweep: " + name_;
  page.metric = spec_.metric;
  page.live = live;
  page.plots = plots_;
  for (const auto& param : spec_.parameters) page.columns.push_back(param.path);
  page.columns.push_back("seed");
  std::size_t completed = 0, failed = 0;
  for (std::size_t i = 0; i < trials_.size(); ++i) {
    const TrialResult& r = results[i];
    if (!r.known) continue;
    (r.status == "completed" ? completed : failed)++;
    RunEntry run;
    run.folder = trial_folder(out_, trials_[i]);
    run.label = trials_[i].id;
    for (std::size_t p = 0; p < spec_.parameters.size(); ++p) run.settings[page.columns[p]] = trials_[i].values[p];
    run.settings["seed"] = std::to_string(trials_[i].seed);
    run.swept = page.columns;
    run.summary = summary_of(r);
    page.runs.push_back(std::move(run));
  }
  page.state = fmt::format("{} {} of {} trials finished: {} completed, {} failed",
                           live ? "running:" : "sweep ended:", completed + failed, trials_.size(), completed, failed);
  try {
    // A plot it could not draw is said on the page itself, and once on stderr by the sweep's own plots.
    write_report(page, out_ / "report.html");
  } catch (const std::exception& e) {
    // The page is a view: a sweep goes on without it, and says so once.
    if (!warned_) std::cerr << "note: cannot write report.html: " << e.what() << "\n";
    warned_ = true;
  }
  stale_ = false;
  written_ = true;
  last_ = std::chrono::steady_clock::now();
  cost_ = last_ - started;
}

}  // namespace seqlab
