// A run: load, instantiate, train epoch by epoch into the run folder, then summarise, predict and plot.
// Tested in tests/plugins/test_seed_workload.cpp, tests/runs/test_full_disk.cpp
#include "runs/run_experiment.hpp"

#include <cmath>
#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <optional>

#include "config/error_report.hpp"
#include "config/experiment.hpp"
#include "runs/initial_weights.hpp"
#include "forecast/prediction_panels.hpp"
#include "forecast/readout.hpp"
#include "forecast/series_diagnostics.hpp"
#include "forecast/test_predictions.hpp"
#include "runs/run_folder.hpp"
#include "runs/run_plots.hpp"
#include "runs/run_summary.hpp"
#include "seqlab/version.hpp"
#include "training/batch_split.hpp"
#include "training/progress_line.hpp"
#include "training/trainer.hpp"
#include "util/run_error.hpp"
#include "util/stop_signals.hpp"
#include "util/paths.hpp"

namespace seqlab {

namespace {

// Data-parallel: the processes agree that every one of them is set up before any
// trains, so one that fails (a plugin missing on its node, an unwritable folder)
// stops them all with its error instead of leaving them waiting in the first sum.
class SetupGate {
 public:
  explicit SetupGate(BatchSplit* split) : split_(split) {}
  ~SetupGate() {
    if (!split_ || passed_) return;
    double failed = 1;  // unwinding from this process's error: tell the others
    split_->sum(&failed, 1);
  }
  SetupGate(const SetupGate&) = delete;
  SetupGate& operator=(const SetupGate&) = delete;

  // Every process is set up: training may start. Throws in every process if one was not.
  void pass() {
    if (!split_) return;
    passed_ = true;
    double failed = 0;
    split_->sum(&failed, 1);
    if (failed > 0)
      throw RunError(
          fmt::format("{} of the {} data-parallel processes could not set up the run (their errors are "
                      "above); none trained",
                      failed, split_->parts()));
  }

 private:
  BatchSplit* split_;
  bool passed_ = false;
};

// What went non-finite, how the gradient grew before it, and what to change.
std::string divergence_text(const TrainingOutcome& outcome) {
  std::string text =
      outcome.gradient_not_finite
          ? fmt::format("the gradient exploded at epoch {}: its norm is NaN or infinite", outcome.diverged_epoch)
          : fmt::format("diverged at epoch {} (the training loss is NaN or infinite)", outcome.diverged_epoch);
  if (outcome.last_gradient_epoch == 1)
    text += fmt::format("; the gradient norm was {:.3g} in epoch 1", outcome.last_gradient_norm);
  else if (outcome.last_gradient_epoch > 1)
    text += fmt::format("; the gradient norm was {:.3g} in epoch 1 and {:.3g} in epoch {}", outcome.first_gradient_norm,
                        outcome.last_gradient_norm, outcome.last_gradient_epoch);
  return text + ". Lower optimizer.lr, clip the gradients, or check the data.";
}

}  // namespace

int train_and_record(const TrainingJob& job) {
  const ResolvedExperiment& e = job.experiment;
  Components& c = job.components;
  Trainer& trainer = job.trainer;
  BatchSplit* split = job.split;
  RunFolder* folder = job.folder;  // null in data-parallel processes other than the first
  const int epochs = static_cast<int>(e.training.epochs);
  const int log_every = static_cast<int>(e.training.log_every);
  ProgressLine progress(epochs);
  TrainingOutcome outcome;
  {
    const StopSignals stop_signals;  // SIGINT/SIGTERM: finish the batch, write a checkpoint, say how to resume
    try {
      outcome = trainer.run(
          [&](const EpochRecord& r) {
            if (!folder) return;
            folder->append_metrics(r);
            if (log_every > 0 && (r.epoch % log_every == 0 || r.epoch == epochs)) {
              progress.clear();
              std::cout << fmt::format("Epoch [{}/{}], Loss: {:.6f}", r.epoch, epochs, r.train_loss);
              if (std::isfinite(r.val_loss)) std::cout << fmt::format(", Val Loss: {:.6f}", r.val_loss);
              std::cout << "\n" << std::flush;
            }
            progress.update(r.epoch, r.train_loss, r.seconds);
          },
          [&](const TrainingState& state) {
            if (folder) folder->write_checkpoint(state);
          });
    } catch (...) {
      // Only this process failed, while the others train on: they would wait for it forever.
      if (split) split->abandon(report_exception());
      throw;
    }
  }
  progress.clear();
  if (outcome.stopped_by_signal) {
    const bool interrupt = outcome.stopped_by_signal == SIGINT;
    // A finished run's continuation (results held) has its --epochs only in the held config.yaml: say it again.
    if (folder)
      std::cerr << fmt::format(
          "stopped by {} after {} whole epoch(s): checkpoint written to {}/{}\n"
          "resume with: seqlab resume {}{}\n",
          interrupt ? "SIGINT" : "SIGTERM", outcome.history.size(), folder->path(), kCheckpointFile,
          shell_quoted(folder->path()), folder->holding_results() ? fmt::format(" --epochs {}", epochs) : "");
    return interrupt ? 130 : 143;
  }
  if (!folder) return outcome.diverged ? 1 : 0;  // every process sees the same losses

  // summary.json comes last: a run folder that has one is complete, whatever stopped a run (a full
  // disk, a kill) before it.
  std::optional<TestScore> test;
  auto write_summary = [&] {
    nlohmann::json summary = summarize_run(e, job.options, outcome, c);
    summary["startup_ms"] = job.startup_ms;
    if (split) summary["data_parallel_processes"] = split->parts();
    if (test) summary["test"] = test_score_json(*test);
    folder->write_json("summary.json", summary);
  };
  if (outcome.diverged) {
    // A diverged continuation of a finished run leaves that run's summary and results as they were.
    if (!folder->holding_results()) write_summary();
    std::cerr << "error: " << divergence_text(outcome) << " Epochs before it are in " << folder->path()
              << "/metrics.csv"
              << (folder->holding_results()
                      ? "; the run as it had finished (summary.json, config.yaml, weights) is kept as it was"
                      : "")
              << "\n";
    return 1;
  }
  folder->write_weights(c.model->parameters());
  const Readout readout = make_readout(c, e);
  const SequenceSet& set = shown_set(c.data);
  const Tensor3 predicted = trainer.predict(set.inputs);
  folder->write_text("predictions.csv", predictions_csv(set, predicted, readout));
  folder->write_json("data_units.json", description_to_json(readout.description));
  std::optional<LinearAutoregression> linear_ar;
  if (c.data.test.count() > 0) {
    // Kept in the run folder, so that `seqlab eval` scores this very baseline, on any data.
    linear_ar = fit_linear_autoregression(c.data.train);
    folder->write_json("linear_ar.json", linear_autoregression_to_json(*linear_ar));
    const std::string note = linear_autoregression_note(*linear_ar);
    if (!note.empty()) std::cout << "note: " << note << "\n";
    test = score_test_split(c, &set == &c.data.test ? predicted : trainer.predict(c.data.test.inputs), readout,
                            &*linear_ar);
    folder->write_text("test_metrics.csv", test_metrics_csv(*test));
    folder->write_text("test_predictions.csv", test_predictions_csv(*test));
    if (readout.series.rows() > 0) folder->write_text("series.csv", series_csv(readout));
  }
  if (job.options.plots)
    draw_run_plots(*folder, e.name, outcome,
                   prediction_panels(set, predicted, readout, linear_ar ? &*linear_ar : nullptr));
  write_summary();
  folder->commit();  // a continuation's held results into place, summary.json last
  const auto& last = outcome.history.back();
  if (outcome.stopped_early) {
    // Patience on val_loss counts validated epochs (training.validate_every): say so when that is not all of them.
    const bool sparse = outcome.kept_metric == "val_loss" && e.training.validate_every > 1;
    std::cout << fmt::format("early stopping after epoch {}: no {} improvement for {} {}epochs\n", last.epoch,
                             outcome.kept_metric, e.training.early_stopping->patience, sparse ? "validated " : "");
  }
  std::cout << fmt::format("done: train loss {:.6g}", last.train_loss);
  if (std::isfinite(last.val_loss)) std::cout << fmt::format(", val loss {:.6g}", last.val_loss);
  if (readout.description.normalize != "none")
    std::cout << fmt::format(" (losses in {}-normalised units)", readout.description.normalize);
  if (outcome.kept == "best")
    std::cout << fmt::format("; kept the weights of epoch {} ({} {:.6g})", outcome.kept_epoch, outcome.kept_metric,
                             outcome.kept_metric_value);
  if (test) std::cout << "; " << test_score_line(*test);
  std::cout << "; run folder " << folder->path() << "\n";
  return 0;
}

int run_experiment(const RunOptions& options, BatchSplit* split) {
  return report_errors([&] {
    SetupGate gate(split);
    const bool writes = !split || split->part() == 0;  // one folder and one log per run
    const LoadedExperiment loaded =
        load_experiment(options.experiment, run_overrides(options), options.common.plugin_dirs,
                        options.experiment_in_run_folder ? ExperimentOrigin::run_folder : ExperimentOrigin::user_file,
                        options.check_plugins);
    const ResolvedExperiment& e = loaded.experiment;
    Components c = instantiate(e);
    load_initial_weights(e, c);
    // Before the run folder: the trainer refuses a schedule that does not fit the run (Trainer::Trainer).
    Trainer trainer(c, e, split);
    std::optional<RunFolder> folder;
    if (writes) {
      folder.emplace(RunFolder::create(options.out, e.name));
      folder->write_text("config.yaml", resolved_yaml(e, &c.shape));
      folder->write_json("plugins.json", plugins_record(e));  // for `seqlab resume` of a run without a summary
      std::cout << "seqlab " << kVersion << ": " << e.name << " -> " << folder->path();
      if (split) std::cout << fmt::format(" (data-parallel over {} processes)", split->parts());
      std::cout << "\n";
      for (const auto& line : diagnostics_report(c, e)) std::cout << line << "\n";
      std::cout << std::flush;
    }

    // Start-up: from main() to the first epoch (plugins, YAML, data, model).
    const double startup_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - options.started).count();
    gate.pass();
    return train_and_record({e, c, trainer, folder ? &*folder : nullptr, options, split, startup_ms});
  });
}

}  // namespace seqlab
