// Resuming a run: its record, its checkpoint, and the same training and recording as `seqlab run`.
// Tested in tests/runs/test_resume.cpp, tests/runs/test_resume_keeps_summary.cpp
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
#include "training/memory_estimate.hpp"
#include "training/trainer.hpp"
#include "util/regular_file.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// checkpoint.bin, read whole: only a regular file (a FIFO would block the read for ever), and only one that
// fits in memory three times over (its bytes, the digest's copy, the decoded state), so that a huge sparse
// file is refused rather than allocated.
std::string read_checkpoint(const fs::path& file) {
  try {
    RegularFile checkpoint(file);
    const auto memory = available_memory();
    if (memory && checkpoint.size() > memory->bytes / 3)
      refuse(file, fmt::format("cannot be resumed from: it has {}, more than a third of the {} this process may "
                               "use ({}), which reading it takes",
                               format_bytes(static_cast<double>(checkpoint.size())), format_bytes(memory->bytes),
                               memory->source));
    std::string bytes(static_cast<std::size_t>(checkpoint.size()), '\0');
    checkpoint.read(bytes.data(), bytes.size());
    return bytes;
  } catch (const UnreadableFile& e) {
    refuse(file, "cannot be resumed from: " + e.problem());
  }
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
      state = decode_checkpoint(read_checkpoint(checkpoint_file));
    } catch (const CheckpointError& e) {
      refuse(checkpoint_file, std::string("cannot be resumed from: ") + e.what());
    }
    const nlohmann::json record = read_record(dir);
    std::vector<std::string> overrides;
    if (options.epochs > 0) overrides.push_back("training.epochs=" + std::to_string(options.epochs));
    // Plugins from the user's search path only (the run folder is data), checked against the run's record.
    const LoadedExperiment loaded = load_experiment(
        (dir / "config.yaml").string(), overrides, options.common.plugin_dirs, ExperimentOrigin::run_folder,
        recorded_plugins_check(record, dir / (fs::exists(dir / "plugins.json") ? "plugins.json" : "summary.json"),
                               options.common));
    const ResolvedExperiment& e = loaded.experiment;

    const int epochs = static_cast<int>(e.training.epochs);
    if (epochs < state.epochs_done)
      refuse(checkpoint_file,
             fmt::format("the checkpoint is after epoch {}: --epochs must be at least that{}", state.epochs_done,
                         options.epochs > 0 ? ""
                                            : " (config.yaml has fewer: a `resume --epochs` that did not complete "
                                              "wrote the checkpoint; give its --epochs again)"));
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
    // A run that had finished (it has a summary.json) stays whole until its continuation completes: its
    // summary.json, config.yaml, weights and predictions are replaced only then, all at once, so a
    // continuation that diverges, fills the disk or is killed leaves it as `eval` and `predict` knew it.
    // metrics.csv is cut back to the checkpoint's epochs and goes on with the training, like checkpoint.bin.
    std::error_code ignored;
    if (fs::exists(fs::symlink_status(dir / "summary.json", ignored))) folder.hold_results();
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
