// The sweep's summary: summary.csv (every finished trial), summary.md (configurations ranked), and its plots.
// Tested in tests/sweep/test_sweep.cpp, tests/sweep/test_conditional_sweep_run.cpp
#include "sweep/sweep_summary.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <fstream>
#include <iostream>
#include <map>

#include "plots/curve_labels.hpp"
#include "plots/plots.hpp"
#include "runs/run_folder.hpp"
#include "util/atomic_file.hpp"
#include "util/csv_text.hpp"
#include "util/paths.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kBestTrials = 5;

double metric_of(const SweepSummaryInput& in, const TrialResult& r) { return metric_value(in.spec.metric, r); }

// best_trials.png: the loss curves of the kBestTrials best completed trials;
// metric_vs_<param>.png: the metric of every completed trial against each swept value.
void write_plots(const SweepSummaryInput& in) {
  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < in.trials.size(); ++i)
    if (in.results[i].known && in.results[i].status == "completed" && std::isfinite(metric_of(in, in.results[i])))
      ranked.push_back(i);
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return metric_of(in, in.results[a]) < metric_of(in, in.results[b]);
  });
  std::vector<std::string> notes;
  auto note = [&](const PlotOutcome& outcome) {
    if (!outcome.drawn && !outcome.note.empty()) notes.push_back(outcome.note);
  };
  try {
    std::vector<LabelledCurve> curves;
    std::vector<Settings> settings;
    std::vector<std::string> ids, order;
    for (const auto& param : in.spec.parameters) order.push_back(param.path);
    order.push_back("seed");
    for (std::size_t k = 0; k < ranked.size() && curves.size() < kBestTrials; ++k) {
      const SweepTrial& trial = in.trials[ranked[k]];
      LossCurve curve = read_loss_curve((trial_folder(in.out, trial) / "metrics.csv").string());
      if (curve.epochs.empty()) continue;
      curves.push_back({"", std::move(curve)});
      Settings s{{"seed", std::to_string(trial.seed)}};
      for (std::size_t p = 0; p < in.spec.parameters.size(); ++p) s[in.spec.parameters[p].path] = trial.values[p];
      settings.push_back(std::move(s));
      ids.push_back(trial.id);
    }
    // Labelled by what tells these trials apart, in the sweep's order, ranked.
    const std::vector<std::string> labels = curve_labels(settings, differing_keys(settings, order), ids);
    for (std::size_t k = 0; k < curves.size(); ++k) curves[k].label = fmt::format("{}. {}", k + 1, labels[k]);
    note(plot_loss_overlay(in.out.string(), "best_trials", curves,
                           fmt::format("{}: the {} best trials by final {}", in.name, curves.size(), in.spec.metric)));
    for (const SweepColumn& column : sweep_columns(in.spec)) {
      std::vector<std::string> xs;
      std::vector<double> ys;
      for (std::size_t i = 0; i < in.trials.size(); ++i) {  // in trial order: categories keep the list's order
        if (!in.results[i].known || in.results[i].status != "completed") continue;
        std::string x = in.trials[i].value_of(column.path);
        if (x.empty()) continue;  // a parameter of another plugin than this trial's
        xs.push_back(std::move(x));
        ys.push_back(metric_of(in, in.results[i]));
      }
      note(plot_metric_vs(in.out.string(), "metric_vs_" + file_name_part(column.path), column.path, xs, ys,
                          "final " + in.spec.metric, fmt::format("{}: final {} per trial", in.name, in.spec.metric),
                          column.loguniform));
    }
  } catch (const std::exception& e) {
    notes.push_back(std::string("cannot write the sweep plots: ") + e.what());
  }
  // One line is enough: the causes (no gnuplot, say) are the same for every plot.
  if (!notes.empty()) std::cerr << "note: " << notes.front() << "\n";
}

// best.json (the best configuration: its settings, trials, mean metric and run folders) and best_config.yaml (its
// first trial's config.yaml, runnable as is), beside the summary.
void write_best(const SweepSummaryInput& in, const std::vector<std::string>& ids, double mean) {
  nlohmann::json best;
  best["metric"] = in.spec.metric;
  best["mean"] = mean;
  std::string config_of_first;
  for (const std::string& id : ids)
    for (std::size_t i = 0; i < in.trials.size(); ++i) {
      if (in.trials[i].id != id) continue;
      const std::string folder = trial_folder(in.out, in.trials[i]).string();
      if (best["trials"].empty()) {
        for (std::size_t p = 0; p < in.trials[i].sources.size(); ++p)
          best["settings"][in.trials[i].sources[p]->path] = in.trials[i].values[p];
        config_of_first = folder + "/config.yaml";
      }
      best["trials"].push_back({{"id", id}, {"seed", in.trials[i].seed}, {"run_folder", folder}});
    }
  write_file_atomically((in.out / "best.json").string(), best.dump(2) + "\n");
  std::ifstream config(config_of_first);
  if (!config) return;
  std::ostringstream text;
  text << config.rdbuf();
  write_file_atomically((in.out / "best_config.yaml").string(), text.str());
}

}  // namespace

void write_sweep_summary(const SweepSummaryInput& in) {
  // One column per swept path; a trial that does not set it (another plugin's parameter) leaves it empty.
  const std::vector<SweepColumn> columns = sweep_columns(in.spec);
  std::vector<std::vector<std::string>> values_of(in.trials.size());
  for (std::size_t i = 0; i < in.trials.size(); ++i)
    for (const SweepColumn& column : columns) values_of[i].push_back(in.trials[i].value_of(column.path));
  std::string csv = "id";
  for (const auto& c : columns) csv += "," + csv_field(c.path);
  csv += ",seed,status,final_train_loss,final_val_loss,best_val_loss,seconds,run_folder\n";
  for (std::size_t i = 0; i < in.trials.size(); ++i) {
    const TrialResult& r = in.results[i];
    if (!r.known) continue;
    csv += in.trials[i].id;
    for (const auto& v : values_of[i]) csv += "," + csv_field(v);
    csv += fmt::format(",{},{},{},{},{},{:.3f},{}\n", in.trials[i].seed, r.status, format_metric(r.final_train_loss),
                       format_metric(r.final_val_loss), format_metric(r.best_val_loss), r.seconds,
                       csv_field(trial_folder(in.out, in.trials[i]).string()));
  }
  write_file_atomically((in.out / "summary.csv").string(), csv);

  // Configurations ranked by the metric's mean over their completed seeds.
  struct Group {
    std::vector<std::string> values;
    std::vector<double> metric;
    std::vector<std::string> ids;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < in.trials.size(); ++i) {
    const TrialResult& r = in.results[i];
    if (!r.known || r.status != "completed" || !std::isfinite(metric_of(in, r))) continue;
    auto [it, inserted] = groups.try_emplace(in.trials[i].configuration);
    if (inserted) order.push_back(in.trials[i].configuration);
    it->second.values = values_of[i];
    it->second.metric.push_back(metric_of(in, r));
    it->second.ids.push_back(in.trials[i].id);
  }
  struct Row {
    const Group* group;
    double mean, std;
  };
  std::vector<Row> rows;
  for (const auto& key : order) {
    const Group& g = groups.at(key);
    double mean = 0;
    for (double v : g.metric) mean += v;
    mean /= static_cast<double>(g.metric.size());
    double var = 0;
    for (double v : g.metric) var += (v - mean) * (v - mean);
    const double sd = g.metric.size() > 1 ? std::sqrt(var / static_cast<double>(g.metric.size() - 1)) : 0.0;
    rows.push_back({&g, mean, sd});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.mean < b.mean; });

  std::size_t completed = 0, failed = 0, known = 0;
  for (const auto& r : in.results) {
    if (!r.known) continue;
    ++known;
    (r.status == "completed" ? completed : failed)++;
  }
  std::string md = "# Sweep: " + in.name + "\n\n";
  md += fmt::format(
      "{} trials ({}, {} seed(s) each): {} completed, {} failed, {} not run. Ranked by the final {} (mean over "
      "seeds, lower is better).\n\n",
      in.trials.size(), in.spec.method, in.spec.repeats, completed, failed, in.trials.size() - known, in.spec.metric);
  md += "| rank |";
  for (const auto& c : columns) md += " " + c.path + " |";
  md += " " + in.spec.metric + " (mean ± std) | count | trials |\n|---|";
  for (std::size_t k = 0; k < columns.size(); ++k) md += "---|";
  md += "---|---|---|\n";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    md += fmt::format("| {} |", k + 1);
    for (const auto& v : rows[k].group->values) md += " " + (v.empty() ? "-" : v) + " |";
    std::string ids;
    for (const auto& id : rows[k].group->ids) ids += (ids.empty() ? "" : " ") + id;
    // One seed has no spread to show.
    const std::string spread = rows[k].group->metric.size() > 1 ? fmt::format("{:.2g}", rows[k].std) : "n/a";
    md += fmt::format(" {:.6g} ± {} | {} | {} |\n", rows[k].mean, spread, rows[k].group->metric.size(), ids);
  }
  if (failed) {
    md += "\n## Failed trials\n";
    for (std::size_t i = 0; i < in.trials.size(); ++i) {
      const TrialResult& r = in.results[i];
      if (!r.known || r.status == "completed") continue;
      md += fmt::format("\n### {}: {}{}\n\n`{} seed={}` in `{}`\n\n```\n{}```\n", in.trials[i].id, r.status,
                        r.detail.empty() ? "" : " (" + r.detail + ")", in.trials[i].configuration, in.trials[i].seed,
                        trial_folder(in.out, in.trials[i]).string(),
                        r.error_tail.empty() ? "(no error output)\n" : r.error_tail);
    }
  }
  write_file_atomically((in.out / "summary.md").string(), md);
  if (!rows.empty()) write_best(in, rows.front().group->ids, rows.front().mean);
  if (in.plots) write_plots(in);
}

}  // namespace seqlab
