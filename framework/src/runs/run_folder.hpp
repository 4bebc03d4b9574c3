// A run's output folder: config, metrics, weights, predictions and summary, each written safely.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runs/plots.hpp"
#include "seqlab/parameter.hpp"
#include "seqlab/tensor.hpp"
#include "training/trainer.hpp"
#include "util/flock.hpp"

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
  static RunFolder create_under(const std::string& out, const std::filesystem::path& parent);

  // An existing run folder, to go on writing it (`seqlab resume`): locked like a new one. Throws
  // ConfigError when another process holds it.
  static RunFolder reopen(const std::string& dir);

  const std::string& path() const { return path_; }

  // Whole files are written to a temporary name and renamed into place.
  void write_text(const std::string& file, const std::string& text) const;
  void write_json(const std::string& file, const nlohmann::json& json) const;

  // metrics.csv grows one flushed line per epoch, so an interrupted or diverged
  // run keeps every finished epoch.
  void append_metrics(const EpochRecord& record);
  // Rewrites metrics.csv as these epochs (a checkpoint's), for append_metrics to go on from: a resumed
  // run drops the lines its interrupted run wrote after its checkpoint.
  void restart_metrics(const std::vector<EpochRecord>& history);

  // checkpoint.bin, durably (util/atomic_file.hpp): a kill at any instant leaves the previous one whole.
  void write_checkpoint(const TrainingState& state) const;

  // weights/<state_dict name>.npy for each parameter, in PyTorch's shapes.
  void write_weights(const std::vector<Parameter>& parameters) const;

 private:
  RunFolder(std::string path, FolderLock lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  FolderLock lock_;  // held while the run lives: a second run cannot write here too
  std::ofstream metrics_;
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
