// Writing run folders: nothing half-written, nothing earlier overwritten.
#include "runs/run_folder.hpp"

#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <sstream>

#include "util/atomic_file.hpp"
#include "config/config_error.hpp"
#include "util/run_error.hpp"
#include "runs/npy.hpp"
#include "training/checkpoint_codec.hpp"
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
  std::error_code ec;
  fs::create_directories(fs::path(folder.path()) / "weights", ec);
  if (ec) throw RunError("cannot create the run folder " + folder.path() + ": " + ec.message());
  return folder;
}

RunFolder RunFolder::create_under(const std::string& out, const std::filesystem::path& parent) {
  std::error_code ec;
  fs::path dir;
  FolderLock lock;
  if (!out.empty()) {
    dir = out;
    SourceLocation where;
    where.override = "--out " + out;
    const std::string not_empty =
        "the folder already exists and is not empty; choose a new --out folder so no earlier run is overwritten";
    if (fs::exists(dir) && !fs::is_directory(dir)) throw ConfigError(where, "", not_empty);
    fs::create_directories(dir, ec);
    if (ec) throw RunError("cannot create the run folder " + dir.string() + ": " + ec.message());
    // The lock first: a run still writing here is named as such, and the emptiness seen below holds.
    const int fd = try_lock_folder(dir);
    if (fd < 0)
      throw ConfigError(where, "",
                        "another process is writing this folder (it holds the folder's lock); wait for it to end "
                        "or choose another --out");
    lock = FolderLock(fd);
    if (!fs::is_empty(dir)) throw ConfigError(where, "", not_empty);
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    dir = parent / stamp;
    fs::create_directories(dir.parent_path(), ec);
    if (ec) throw RunError("cannot create " + dir.parent_path().string() + ": " + ec.message());
    // create_directory() is atomic: of two runs started in the same second, each gets its own folder.
    for (int n = 2; !fs::create_directory(dir, ec); ++n) {
      if (ec) throw RunError("cannot create the run folder " + dir.string() + ": " + ec.message());
      dir = parent / (std::string(stamp) + "-" + std::to_string(n));
    }
    lock = FolderLock(try_lock_folder(dir));  // a new folder: nobody else holds it
  }
  return RunFolder(dir.string(), std::move(lock));
}

void RunFolder::write_text(const std::string& file, const std::string& text) const {
  write_file_atomically((fs::path(path_) / file).string(), text);
}

void RunFolder::write_json(const std::string& file, const nlohmann::json& json) const {
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
  const int fd = try_lock_folder(dir);
  if (fd < 0) {
    SourceLocation where;
    where.file = dir;
    throw ConfigError(where, "",
                      "another process is writing this run folder (it holds the folder's lock); wait for "
                      "it to end");
  }
  return RunFolder(dir, FolderLock(fd));
}

void RunFolder::restart_metrics(const std::vector<EpochRecord>& history) {
  std::string text = kMetricsHeader;
  for (const EpochRecord& r : history) text += metrics_line(r);
  if (metrics_.is_open()) metrics_.close();
  write_text("metrics.csv", text);
  metrics_.open(fs::path(path_) / "metrics.csv", std::ios::app);
  if (!metrics_) throw RunError(path_ + "/metrics.csv: cannot open for appending: " + std::strerror(errno));
}

void RunFolder::write_checkpoint(const TrainingState& state) const {
  write_file_durably((fs::path(path_) / kCheckpointFile).string(), encode_checkpoint(state));
}

void RunFolder::append_metrics(const EpochRecord& r) {
  if (!metrics_.is_open()) {
    metrics_.open(fs::path(path_) / "metrics.csv", std::ios::trunc);
    metrics_ << kMetricsHeader;
  }
  metrics_ << metrics_line(r);
  if (!metrics_.flush())
    throw RunError(path_ + "/metrics.csv: cannot write epoch " + std::to_string(r.epoch) + " (" + std::strerror(errno) +
                   "); the epochs before it are kept");
}

void RunFolder::write_weights(const std::vector<Parameter>& parameters) const {
  for (const auto& p : parameters)
    write_npy((fs::path(path_) / "weights" / (p.name + ".npy")).string(), p.value.data(), p.shape);
}

}  // namespace seqlab
