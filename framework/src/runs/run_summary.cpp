// The run's record in summary.json: results, timings, and every fact needed to reproduce it.
// Tested in tests/runs/test_run_records.cpp, tests/cli/test_reproduce_command.cpp
#include "runs/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <sys/resource.h>

#include "runs/run_record.hpp"
#include "seqlab/version.hpp"
#include "training/blas_runtime.hpp"
#include "util/sha256.hpp"

namespace seqlab {

namespace {

nlohmann::json plugin_record(const ComponentConfig& c) {
  return {{"name", c.plugin->name()}, {"file", c.plugin->file}, {"sha256", sha256_of_file(c.plugin->file)}};
}

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// The process's peak resident memory so far (Linux reports KiB).
double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024;
}

}  // namespace

nlohmann::json summarize_run(const ResolvedExperiment& e, const RunOptions& options, const TrainingOutcome& outcome,
                             const Components& c) {
  std::vector<double> epoch_ms;
  double train_seconds = 0;
  for (const auto& r : outcome.history) {
    epoch_ms.push_back(r.seconds * 1e3);
    train_seconds += r.seconds;
  }
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  std::size_t parameter_count = 0;
  for (const auto& p : c.model->parameters()) parameter_count += p.size();
  const EpochRecord last = outcome.history.empty() ? EpochRecord{} : outcome.history.back();
  nlohmann::json j;
  j["name"] = e.name;
  j["status"] = outcome.diverged ? "diverged" : "completed";
  if (outcome.diverged) j["diverged_epoch"] = outcome.diverged_epoch;
  j["seed"] = e.seed;
  j["epochs"] = outcome.history.size();
  j["final_train_loss"] = outcome.history.empty() ? nlohmann::json(nullptr) : number(last.train_loss);
  j["final_val_loss"] = outcome.history.empty() ? nlohmann::json(nullptr) : number(last.val_loss);
  double best = std::nan("");
  for (const auto& r : outcome.history)
    if (std::isfinite(r.val_loss) && !(r.val_loss >= best)) best = r.val_loss;
  j["best_val_loss"] = number(best);
  j["train_seconds"] = train_seconds;
  j["median_epoch_ms"] = number(median(epoch_ms));
  j["parameter_count"] = parameter_count;
  j["memory_estimate_bytes"] = c.memory.total();
  j["peak_rss_bytes"] = peak_rss_bytes();
  j["seqlab_version"] = kVersion;
  j["compiler"] = compiler_text();
  // Where the experiment and seqlab came from; null outside a git checkout.
  j["experiment_git"] = git_state(e.source->file());
  j["seqlab_git"] = git_state(SEQLAB_SOURCE_DIR);
  j["blas"] = {{"core", blas_core()}, {"threads", blas_threads()}};
  j["threads"] = e.training.threads;
  j["command"] = options.command_line;
  j["experiment_file"] = e.source->file();
  j["overrides"] = e.source->overrides();
  j.update(plugins_record(e));
  j["weights"] = {{"kept", outcome.kept},
                  {"epoch", outcome.kept_epoch},
                  {"metric", outcome.kept_metric},
                  {"value", number(outcome.kept_metric_value)}};
  j["stopped_early"] = outcome.stopped_early;
  return j;
}

nlohmann::json plugins_record(const ResolvedExperiment& e) {
  nlohmann::json plugins = {{"dataset", plugin_record(e.dataset)},
                            {"model", plugin_record(e.model)},
                            {"loss", plugin_record(e.loss)},
                            {"optimizer", plugin_record(e.optimizer)}};
  if (e.scheduler) plugins["scheduler"] = plugin_record(*e.scheduler);
  return {{"plugin_dirs", e.plugin_dirs}, {"plugins", plugins}};
}

}  // namespace seqlab
