// Resuming a run: its record, its checkpoint, and the same training and recording as `seqlab run`.
#include "runs/resume_run.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config/error_report.hpp"
#include "config/experiment.hpp"
#include "runs/finished_run.hpp"
#include "runs/run_experiment.hpp"
#include "runs/run_folder.hpp"
#include "seqlab/version.hpp"
#include "training/checkpoint_codec.hpp"
#include "training/trainer.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) refuse(file, "cannot read it");
  return bytes.str();
}

nlohmann::json read_record(const fs::path& dir) {
  for (const char* name : {"plugins.json", "summary.json"})
    if (fs::exists(dir / name)) return read_json(dir / name, "the run's record of its plugins");
  return nlohmann::json::object();  // plugins are then looked for in the usual places only
}

}  // namespace

int resume_run(const ResumeOptions& options) {
  return report_errors([&] {
    const fs::path dir = options.run_dir;
    if (!fs::is_directory(dir)) refuse(dir, "not a folder; give the run folder `seqlab run` printed");
    const fs::path checkpoint_file = dir / kCheckpointFile;
    if (!fs::exists(checkpoint_file))
      refuse(dir, std::string("has no ") + kCheckpointFile +
                      ": it is not a run folder, or its run was killed before its first checkpoint (set "
                      "training.checkpoint_every to write them during training)");
    RunFolder folder = RunFolder::reopen(dir.string());

    TrainingState state;
    try {
      state = decode_checkpoint(read_bytes(checkpoint_file));
    } catch (const CheckpointError& e) {
      refuse(checkpoint_file, std::string("cannot be resumed from: ") + e.what());
    }
    const nlohmann::json record = read_record(dir);
    std::vector<std::string> plugin_dirs = options.common.plugin_dirs;
    for (const auto& d : recorded_plugin_dirs(record)) plugin_dirs.push_back(d);
    std::vector<std::string> overrides;
    if (options.epochs > 0) overrides.push_back("training.epochs=" + std::to_string(options.epochs));
    const LoadedExperiment loaded = load_experiment((dir / "config.yaml").string(), overrides, plugin_dirs);
    const ResolvedExperiment& e = loaded.experiment;
    warn_about_changed_plugins(e, record, fs::exists(dir / "plugins.json") ? "plugins.json" : "summary.json");

    const int epochs = static_cast<int>(e.training.integer("epochs"));
    if (epochs < state.epochs_done)
      refuse(checkpoint_file,
             fmt::format("the checkpoint is after epoch {}: --epochs must be at least that", state.epochs_done));
    if (state.stopped_early)
      refuse(checkpoint_file, fmt::format("early stopping ended this run after epoch {}: there is nothing to resume "
                                          "(raise training.early_stopping.patience and run it again)",
                                          state.epochs_done));
    if (epochs == state.epochs_done && state.rows_done == 0)
      refuse(checkpoint_file, fmt::format("the run finished all its {} epochs; give --epochs N (more than {}) to "
                                          "train it further",
                                          epochs, epochs));

    Components c = instantiate(e);
    Trainer trainer(c, e);
    try {
      trainer.restore(state, epochs);
    } catch (const CheckpointError& err) {
      refuse(checkpoint_file, std::string("does not fit this experiment: ") + err.what());
    }
    // From here on the folder is a run in progress again: summary.json (if the run had finished) goes
    // first, and metrics.csv is cut back to the checkpoint's epochs.
    std::error_code ignored;
    fs::remove(dir / "summary.json", ignored);
    if (options.epochs > 0) folder.write_text("config.yaml", resolved_yaml(e, &c.shape));
    folder.restart_metrics(state.history);
    std::cout << fmt::format(
                     "seqlab {}: {} resumed after epoch {}{} of {} -> {}\n", kVersion, e.name, state.epochs_done,
                     state.rows_done
                         ? fmt::format(" (and {} sequences of epoch {})", state.rows_done, state.epochs_done + 1)
                         : "",
                     epochs, folder.path())
              << std::flush;

    RunOptions run_options;
    run_options.plots = options.plots;
    run_options.command_line = options.command_line;
    run_options.started = options.started;
    const double startup_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - options.started).count();
    return train_and_record({e, c, trainer, &folder, run_options, nullptr, startup_ms});
  });
}

}  // namespace seqlab
