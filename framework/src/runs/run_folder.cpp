// Writing run folders: nothing half-written, nothing earlier overwritten.
// Tested in tests/runs/test_run_folder_lock.cpp, tests/runs/test_symlink_writes.cpp, tests/runs/test_full_disk.cpp
#include "runs/run_folder.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <utility>

#include "config/config_error.hpp"
#include "util/run_error.hpp"
#include "runs/npy.hpp"
#include "training/checkpoint_codec.hpp"
#include "util/flock.hpp"
#include "util/paths.hpp"

namespace fs = std::filesystem;

namespace seqlab {

std::string format_metric(double value) {
  if (std::isnan(value)) return "";
  return fmt::format("{}", value);
}

std::string metrics_without_seconds(const std::string& metrics_csv_text) {
  std::string out, line;
  std::istringstream in(metrics_csv_text);
  while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

LossCurve read_loss_curve(const std::string& metrics_csv) {
  LossCurve curve;
  std::ifstream in(metrics_csv);
  std::string line;
  std::getline(in, line);  // header: epoch,train_loss,val_loss,lr,grad_norm,seconds (older runs: no grad_norm)
  bool has_val = false;    // a run without a validation split leaves the column empty
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string epoch, train, val;
    std::getline(row, epoch, ',');
    std::getline(row, train, ',');
    std::getline(row, val, ',');
    try {
      curve.epochs.push_back(std::stoi(epoch));
      curve.train_loss.push_back(std::stod(train));
    } catch (const std::exception&) {
      curve.epochs.resize(curve.train_loss.size());
      break;  // a line cut short by a killed run
    }
    // Empty on an epoch training.validate_every skipped: NaN, which the plots leave out.
    has_val = has_val || !val.empty();
    curve.val_loss.push_back(val.empty() ? std::nan("") : std::stod(val));
  }
  if (!has_val) curve.val_loss.clear();
  return curve;
}

RunFolder RunFolder::create(const std::string& out, const std::string& name) {
  // resolve_experiment() allows only plain folder names; this keeps it so if that ever changes.
  if (!is_within(fs::path("runs") / name, "runs"))
    throw std::logic_error("run name '" + name + "' leads outside runs/");
  RunFolder folder = create_under(out, fs::path("runs") / name);
  folder.folder_.sub("weights");
  return folder;
}

RunFolder RunFolder::create_under(const std::string& out, const std::filesystem::path& parent) {
  if (!out.empty()) {
    const fs::path dir = out;
    SourceLocation where;
    where.override = "--out " + out;
    const std::string not_empty =
        "the folder already exists and is not empty; choose a new --out folder so no earlier run is overwritten";
    if (fs::exists(dir) && !fs::is_directory(dir)) throw ConfigError(where, "", not_empty);
    // The folder the user named, followed if it is a link; what seqlab writes inside it is not.
    FolderHandle folder = FolderHandle::open(dir, true);
    // The lock first: a run still writing here is named as such, and the emptiness seen below holds.
    if (!try_lock(folder.fd()))
      throw ConfigError(where, "",
                        "another process is writing this folder (it holds the folder's lock); wait for it to end "
                        "or choose another --out");
    if (!folder.names().empty()) throw ConfigError(where, "", not_empty);
    return RunFolder(dir.string(), std::move(folder));
  }
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  // runs/<name>, or a run's eval/ or predict/: seqlab's own folder, so a link planted there is refused.
  const FolderHandle above = FolderHandle::open_made(parent, true);
  // mkdirat is atomic: of two runs started in the same second, each gets its own folder.
  std::string leaf = stamp;
  for (int n = 2;; ++n) {
    if (std::optional<FolderHandle> made = above.make_new(leaf)) {
      try_lock(made->fd());  // a new folder: nobody else holds it
      return RunFolder((parent / leaf).string(), std::move(*made));
    }
    leaf = std::string(stamp) + "-" + std::to_string(n);
  }
}

RunFolder::RunFolder(RunFolder&& other) noexcept
    : path_(std::move(other.path_)),
      folder_(std::move(other.folder_)),
      metrics_(std::move(other.metrics_)),
      holding_(std::exchange(other.holding_, false)),
      held_(std::move(other.held_)),
      staged_weights_(std::move(other.staged_weights_)),
      staged_plots_(std::move(other.staged_plots_)) {
  other.held_.clear();
  other.staged_weights_.reset();
  other.staged_plots_.reset();
}

RunFolder::~RunFolder() { discard_held(); }

void RunFolder::write_text(const std::string& file, const std::string& text) {
  if (!holding_) {
    folder_.write(file, text);
    return;
  }
  const std::string temporary = folder_.write_temporary(file, text);
  for (Held& h : held_)
    if (h.name == file) {
      folder_.remove(h.temporary);
      h.temporary = temporary;
      return;
    }
  held_.push_back({temporary, file});
}

void RunFolder::write_json(const std::string& file, const nlohmann::json& json) {
  // Text from the user's files that is not UTF-8 (a file name, say) is written with U+FFFD, not refused half way.
  write_text(file, json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

namespace {

constexpr const char* kMetricsHeader = "epoch,train_loss,val_loss,lr,grad_norm,seconds\n";

std::string metrics_line(const EpochRecord& r) {
  return fmt::format("{},{},{},{},{},{:.6f}\n", r.epoch, format_metric(r.train_loss), format_metric(r.val_loss),
                     format_metric(r.lr), format_metric(r.grad_norm), r.seconds);
}

}  // namespace

RunFolder RunFolder::reopen(const std::string& dir) {
  FolderHandle folder = FolderHandle::open(dir);
  if (!try_lock(folder.fd())) {
    SourceLocation where;
    where.file = dir;
    throw ConfigError(where, "",
                      "another process is writing this run folder (it holds the folder's lock); wait for "
                      "it to end");
  }
  // Said before any training rather than when the weights are written at the end.
  folder.refuse_link("weights");
  // Only a killed process leaves temporaries, and none writes here now: they are only taking room.
  folder.remove_stale_temporaries();
  try {
    folder.sub("weights", false).remove_stale_temporaries();
  } catch (const std::exception&) {
    // No weights/ yet, or not a real folder (write_weights says so if it comes to that).
  }
  return RunFolder(dir, std::move(folder));
}

void RunFolder::restart_metrics(const std::vector<EpochRecord>& history) {
  std::string text = kMetricsHeader;
  for (const EpochRecord& r : history) text += metrics_line(r);
  metrics_.close();
  folder_.write("metrics.csv", text);
  metrics_ = folder_.open_append("metrics.csv", false);
}

void RunFolder::write_checkpoint(const TrainingState& state) const {
  folder_.write(kCheckpointFile, encode_checkpoint(state), true);
}

void RunFolder::append_metrics(const EpochRecord& r) {
  std::string text;
  if (!metrics_.is_open()) {
    metrics_ = folder_.open_append("metrics.csv", true);
    text = kMetricsHeader;
  }
  text += metrics_line(r);
  if (!write_all(metrics_.get(), text))
    throw RunError(path_ + "/metrics.csv: cannot write epoch " + std::to_string(r.epoch) + " (" + std::strerror(errno) +
                   "); the epochs before it are kept");
}

void RunFolder::write_weights(const std::vector<Parameter>& parameters) {
  std::optional<FolderHandle> weights;
  if (holding_) {
    folder_.refuse_link("weights");  // commit() would swap a link in, not follow it, but say so now
    if (!staged_weights_) staged_weights_ = folder_.make_temporary("weights");
  } else {
    weights = folder_.sub("weights");
  }
  const FolderHandle& into = holding_ ? *staged_weights_ : *weights;
  for (const auto& p : parameters) into.write(p.name + ".npy", encode_npy(p.value.data(), p.shape));
}

void RunFolder::hold_results() { holding_ = true; }

std::string RunFolder::plot_folder() {
  if (!holding_) return path_;
  if (!staged_plots_) staged_plots_ = folder_.make_temporary("plots");
  return staged_plots_->path().string();
}

void RunFolder::commit() {
  if (!holding_) return;
  // Everything is written; the renames below take no room and next to no time. summary.json goes last:
  // a reader sees the finished run's results until it does.
  if (staged_weights_) {
    const std::string staged = staged_weights_->path().filename().string();
    folder_.exchange(staged, "weights");
    staged_weights_.reset();
    folder_.remove(staged);  // now the old weights
  }
  if (staged_plots_) {
    const std::vector<std::string> names = staged_plots_->names();
    // An image gnuplot could not draw this time must not be left to pass for the new data.
    for (const auto& name : names)
      if (fs::path(name).extension() == ".dat") {
        const std::string stem = fs::path(name).stem().string();
        folder_.remove(stem + ".png");
        folder_.remove(stem + ".svg");
      }
    for (const auto& name : names) folder_.rename_from(*staged_plots_, name, name);
    const std::string staged = staged_plots_->path().filename().string();
    staged_plots_.reset();
    folder_.remove(staged);
  }
  std::vector<Held> held = std::move(held_);
  held_.clear();
  std::stable_partition(held.begin(), held.end(), [](const Held& h) { return h.name != "summary.json"; });
  for (std::size_t k = 0; k < held.size(); ++k) {
    try {
      folder_.rename(held[k].temporary, held[k].name);
    } catch (...) {
      for (std::size_t j = k + 1; j < held.size(); ++j) folder_.remove(held[j].temporary);
      holding_ = false;
      throw;
    }
  }
  holding_ = false;
}

void RunFolder::discard_held() noexcept {
  if (!folder_.is_open()) return;
  for (const Held& h : held_) folder_.remove(h.temporary);
  held_.clear();
  for (auto* staged : {&staged_weights_, &staged_plots_})
    if (*staged) {
      const std::string name = (*staged)->path().filename().string();
      staged->reset();
      folder_.remove(name);
    }
}

}  // namespace seqlab
