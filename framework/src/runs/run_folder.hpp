// A run's output folder: config, metrics, weights, predictions and summary, each written safely.
#pragma once

#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plots/plots.hpp"
#include "seqlab/parameter.hpp"
#include "seqlab/tensor.hpp"
#include "training/trainer.hpp"
#include "util/folder_handle.hpp"

namespace seqlab {

class RunFolder {
 public:
  // Creates `out` if given (it must not exist or be empty: a finished run is
  // never overwritten), else runs/<name>/<YYYYmmdd-HHMMSS>[-N] under the current
  // directory, and holds an flock on it while the RunFolder lives. Throws
  // ConfigError for an --out that already holds files or that another process
  // has locked (a dead process's lock is gone with it).
  static RunFolder create(const std::string& out, const std::string& name);
  // The same for any output folder: `out`, else <parent>/<YYYYmmdd-HHMMSS>[-N] (eval's RUN_DIR/eval/...).
  // <parent>'s last folder is seqlab's (a run's eval/, predict/): a symbolic link there is refused.
  static RunFolder create_under(const std::string& out, const std::filesystem::path& parent);

  // An existing run folder, to go on writing it (`seqlab resume`): locked like a new one. Throws
  // ConfigError when another process holds it. Temporaries a killed process left are removed.
  static RunFolder reopen(const std::string& dir);

  RunFolder(RunFolder&& other) noexcept;
  RunFolder& operator=(RunFolder&&) = delete;
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;
  // Results still held (hold_results) and never committed are discarded: the folder keeps the old ones.
  ~RunFolder();

  const std::string& path() const { return path_; }

  // Whole files are written to a fresh temporary and renamed into place; every file and sub-folder is
  // opened relative to the folder's descriptor, never through a symbolic link (util/folder_handle.hpp).
  void write_text(const std::string& file, const std::string& text);
  void write_json(const std::string& file, const nlohmann::json& json);

  // metrics.csv grows one line per epoch, written at once, so an interrupted or diverged
  // run keeps every finished epoch.
  void append_metrics(const EpochRecord& record);
  // Rewrites metrics.csv as these epochs (a checkpoint's), for append_metrics to go on from: a resumed
  // run drops the lines its interrupted run wrote after its checkpoint.
  void restart_metrics(const std::vector<EpochRecord>& history);

  // checkpoint.bin, durably (util/atomic_file.hpp): a kill at any instant leaves the previous one whole.
  void write_checkpoint(const TrainingState& state) const;

  // weights/<state_dict name>.npy for each parameter, in PyTorch's shapes.
  void write_weights(const std::vector<Parameter>& parameters);

  // From now on the run's results (write_text, write_json, write_weights and the plots drawn into
  // plot_folder()) are held under temporary names until commit() moves them into place, summary.json
  // last. `seqlab resume --epochs` of a finished run does this: until the continuation completes, the
  // folder holds the finished run's summary.json, config.yaml, weights and predictions, whole, and
  // `eval` and `predict` give its results; a continuation that diverges or fails leaves them so.
  // metrics.csv and checkpoint.bin are not held: they are the training's record, what a later
  // resume goes on from.
  void hold_results();
  bool holding_results() const { return holding_; }
  // Where plots go: the run folder, or while results are held a staging folder inside it.
  std::string plot_folder();
  // Moves the held results into place (nothing when none are held).
  void commit();

 private:
  RunFolder(std::string path, FolderHandle folder) : path_(std::move(path)), folder_(std::move(folder)) {}
  void discard_held() noexcept;

  std::string path_;
  FolderHandle folder_;  // open and flock'ed while the run lives: a second run cannot write here too
  FileDescriptor metrics_;
  bool holding_ = false;
  struct Held {
    std::string temporary, name;
  };
  std::vector<Held> held_;
  std::optional<FolderHandle> staged_weights_, staged_plots_;
};

inline constexpr const char* kCheckpointFile = "checkpoint.bin";

// Reads a run's metrics.csv back as a loss curve (val_loss empty when the run
// had no validation set); a line cut short by a killed run ends the curve.
LossCurve read_loss_curve(const std::string& metrics_csv);

// metrics.csv without its last column: the wall-clock seconds are the one
// thing two runs of the same experiment and seed may differ in.
std::string metrics_without_seconds(const std::string& metrics_csv_text);

// "1.234e-05"-style text that reads back as the same double ("" for NaN).
std::string format_metric(double value);

}  // namespace seqlab
