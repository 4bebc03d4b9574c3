// Running a sweep: validate every trial, then fork+exec `seqlab run` per trial, --jobs at a time, and summarise.
#include "sweep_runner.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <csignal>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sched.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "config_error.hpp"
#include "experiment.hpp"
#include "plots.hpp"
#include "atomic_file.hpp"
#include "run_folder.hpp"
#include "sweep_spec.hpp"
#ifdef SEQLAB_HAVE_MPI
#include "sweep_mpi.hpp"
#endif

namespace fs = std::filesystem;

namespace seqlab {

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

// SIGINT/SIGTERM only set g_stop_signal while this lives: the sweep stops its trials itself.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    g_stop_signal = 0;
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

constexpr std::size_t kTailLines = 20;
constexpr const char* kTrialRecord = "sweep_trial.json";
constexpr std::size_t kBestTrials = 5;

struct TrialResult {
  bool known = false;  // finished now or earlier; false: not run (interrupted)
  std::string status;  // completed | diverged | failed | timeout | crashed
  std::string detail;  // "exit 1", "signal 11", ...
  double seconds = 0;
  double final_train_loss = std::nan(""), final_val_loss = std::nan(""), best_val_loss = std::nan("");
  std::string error_tail;
};

double number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string tail_of(const fs::path& file) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > kTailLines) lines.pop_front();
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

void read_metrics(const fs::path& dir, TrialResult& r) {
  const nlohmann::json s = read_json(dir / "summary.json");
  if (!s.is_object()) return;
  r.final_train_loss = number(s, "final_train_loss");
  r.final_val_loss = number(s, "final_val_loss");
  r.best_val_loss = number(s, "best_val_loss");
  if (r.seconds == 0) r.seconds = number(s, "train_seconds");
}

std::string summary_status(const fs::path& dir) {
  const nlohmann::json s = read_json(dir / "summary.json");
  return s.is_object() && s.contains("status") && s["status"].is_string() ? s["status"].get<std::string>() : "";
}

// A parameter path as a file name part: "model.hidden_size" stays, anything odd becomes '_'.
std::string file_part(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string format_seconds(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
}

fs::path sweep_folder(const SweepOptions& options, const ResolvedExperiment& base) {
  return options.run.out.empty() ? fs::path("runs") / (base.name + "-sweep") : fs::path(options.run.out);
}

// The cores this process may use: a Slurm task's allocation, not the whole node.
unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "I/N" with 1 <= I <= N, as Slurm's $SLURM_ARRAY_TASK_ID for --array=1-N.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t index = 0, count = 0;
  try {
    std::size_t used = 0;
    if (slash != std::string::npos) {
      index = std::stoul(text.substr(0, slash), &used);
      if (used != slash) index = 0;
      count = std::stoul(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1) count = 0;
    }
  } catch (const std::exception&) {
    index = count = 0;
  }
  if (index < 1 || count < 1 || index > count) {
    SourceLocation where;
    where.override = "--shard " + text;
    throw ConfigError(where, "", "--shard wants I/N with 1 <= I <= N (Slurm: $SLURM_ARRAY_TASK_ID/N with --array=1-N)");
  }
  return {index - 1, count};
}

// An sbatch script whose array task I runs `seqlab sweep --shard I/N` into the one sweep folder.
void emit_slurm(const SweepOptions& options, const ResolvedExperiment& base, std::size_t trials) {
  const std::size_t shards = options.shards > 0 ? std::min<std::size_t>(options.shards, trials) : trials;
  const fs::path binary = fs::read_symlink("/proc/self/exe");
  const fs::path experiment = fs::absolute(options.run.experiment);
  const fs::path out = fs::absolute(sweep_folder(options, base)).lexically_normal();
  std::string command = shell_quote(binary.string()) + " sweep " + shell_quote(experiment.string());
  for (const auto& o : options.run.overrides) command += " " + shell_quote(o);
  for (const auto& d : options.run.common.plugin_dirs)
    command += " --plugin-dir " + shell_quote(fs::absolute(d).string());
  const std::string collect = command + " --collect --out " + shell_quote(out.string());
  command +=
      fmt::format(" --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\" --no-plots --out {}",
                  shards, shell_quote(out.string()));
  std::string script = "#!/bin/bash\n";
  script += fmt::format("# The sweep of {} as a Slurm job array: {} trials in {} array tasks.\n", experiment.string(),
                        trials, shards);
  script += "# Array task I runs the trials k (0-based, in --dry-run order) with k % " + std::to_string(shards) +
            " == I - 1,\n# each into its own folder of the shared sweep folder " + out.string() + ".\n";
  script += "# Submit:  sbatch " + options.emit_slurm + "\n";
  script += "# After every task has finished, write summary.csv, summary.md and the plots with:\n#   " + collect + "\n";
  script += "# A task that fails or is cancelled can be resubmitted: finished trials are skipped.\n";
  script += "#SBATCH --job-name=" + base.name + "-sweep\n";
  script += fmt::format("#SBATCH --array=1-{}{}\n", shards,
                        options.max_concurrent > 0 ? "%" + std::to_string(options.max_concurrent) : "");
  script += "#SBATCH --cpus-per-task=1\n";
  script += "set -euo pipefail\n";
  script += "exec " + command + "\n";
  write_file_atomically(options.emit_slurm, script);
  fs::permissions(options.emit_slurm, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::cout << fmt::format("wrote {}: {} array tasks for {} trials; submit it with `sbatch {}`, then run\n  {}\n",
                           options.emit_slurm, shards, trials, options.emit_slurm, collect);
}

class Sweep {
 public:
  Sweep(const SweepOptions& options, const ResolvedExperiment& base, SweepSpec spec, std::vector<SweepTrial> trials,
        std::size_t shard_index, std::size_t shard_count)
      : shard_index_(shard_index),
        shard_count_(shard_count),
        options_(options),
        base_(base),
        spec_(std::move(spec)),
        trials_(std::move(trials)),
        results_(trials_.size()) {
    out_ = sweep_folder(options, base);
    const unsigned cores = usable_cores();
    jobs_ = options.jobs > 0 ? options.jobs : static_cast<int>(cores);
    threads_ = std::max(1, static_cast<int>(cores) / jobs_);
    tty_ = isatty(STDERR_FILENO) == 1;
  }

  // The MPI backend: each rank runs one trial at a time with every core it may use,
  // and only the coordinating rank reports trials (announce = false elsewhere).
  void use_one_job_per_process(bool announce, const std::string& layout) {
    jobs_ = 1;
    threads_ = static_cast<int>(usable_cores());
    announce_ = announce;
    layout_ = layout;
    tty_ = false;  // one line per finished trial: ranks share mpirun's output
  }
  int threads() const { return threads_; }

  int run() {
    if (options_.collect) {
      check_folder();
      return collect();
    }
    std::deque<std::size_t> queue = prepare();
    const std::size_t mine = mine_;
    const StopSignals signals;
    const auto started = std::chrono::steady_clock::now();
    while ((!queue.empty() || !running_.empty()) && !g_stop_signal) {
      // A trial another process holds goes to the back of the queue and is tried again later.
      for (std::size_t tries = queue.size(); tries > 0 && static_cast<int>(running_.size()) < jobs_; --tries) {
        const std::size_t i = queue.front();
        queue.pop_front();
        if (!launch(i)) queue.push_back(i);
      }
      poll();
      progress(started);
      if (!running_.empty() || !queue.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (tty_) std::fprintf(stderr, "\r\033[K");
    const bool interrupted = g_stop_signal != 0;
    if (interrupted) stop_all();

    // A shard summarises nothing: other shards may be writing, and only --collect sees them all.
    if (shard_count_ == 1) write_summaries();
    int completed = 0, failed = 0;
    for (const auto& r : results_) {
      if (!r.known) continue;
      (r.status == "completed" ? completed : failed)++;
    }
    const std::string where = shard_count_ == 1 ? "summary in " + (out_ / "summary.md").string()
                                                : "when every shard is done, summarise with --collect";
    std::cout << fmt::format("{}: {} completed, {} failed{}; {}\n", interrupted ? "interrupted" : "done", completed,
                             failed, interrupted ? fmt::format(", {} not run", mine - completed - failed) : "", where);
    if (interrupted) return 130;
    return failed ? 1 : 0;
  }

  void check_folder() const {
    if (fs::exists(out_) && !fs::is_empty(out_) && !fs::is_directory(out_ / "trials")) {
      SourceLocation where;
      where.override = "--out " + out_.string();
      throw ConfigError(where, "",
                        "the folder holds files but no trials/: it is not a sweep folder; choose another --out");
    }
  }

  // The trials of this shard still to run, in order, after skipping the finished ones and clearing
  // the half-written ones (a trial another process still holds is queued: launch() waits for it).
  std::deque<std::size_t> prepare() {
    check_folder();
    fs::create_directories(out_ / "trials");
    std::deque<std::size_t> queue;
    int skipped = 0, kept_failed = 0, cleared = 0, busy = 0;
    std::size_t& mine = mine_;
    mine = 0;
    for (std::size_t i = 0; i < trials_.size(); ++i) {
      if (i % shard_count_ != shard_index_) continue;
      ++mine;
      const fs::path dir = trial_dir(i);
      if (!fs::exists(dir)) {
        queue.push_back(i);
        continue;
      }
      const nlohmann::json record = read_json(dir / kTrialRecord);
      if (record.is_object()) {
        if (summary_status(dir) == "completed") {
          results_[i] = from_record(record, dir, "completed");
          ++skipped;
        } else if (!options_.retry_failed) {
          results_[i] = from_record(record, dir, "failed");
          ++kept_failed;
        } else {
          fs::remove_all(dir);
          queue.push_back(i);
        }
        continue;
      }
      // No record: the trial never finished under a sweep. Its process may still
      // be running (a SIGKILLed sweep's child): then launch() waits for its lock.
      const int lock = try_lock(i);
      if (lock < 0) {
        ++busy;
        queue.push_back(i);
        continue;
      }
      if (summary_status(dir) == "completed") {
        adopt(i);  // it finished after its sweep died
        ++skipped;
      } else {
        fs::remove_all(dir);  // left half-written by a sweep that was killed
        ++cleared;
        queue.push_back(i);
      }
      close(lock);
    }
    const std::string shard =
        shard_count_ > 1 ? fmt::format(" shard {}/{} ({} of the trials)", shard_index_ + 1, shard_count_, mine) : "";
    const std::string layout = layout_.empty() ? fmt::format("{} jobs x {} threads", jobs_, threads_) : layout_;
    std::cout << fmt::format("sweep {}{}: {} trials, {} to run, {} -> {}\n", base_.name, shard, trials_.size(),
                             queue.size(), layout, out_.string());
    if (skipped) std::cout << "skipped " << skipped << " finished trials\n";
    if (kept_failed) std::cout << "kept " << kept_failed << " failed trials as failed (--retry-failed reruns them)\n";
    if (cleared) std::cout << "cleared " << cleared << " half-written trial folders to rerun them\n";
    if (busy)
      std::cout << busy << (busy == 1 ? " trial is" : " trials are")
                << " still running in another process (a killed sweep's child, or another sweep): "
                << "waiting for them\n";
    std::cout << std::flush;
    total_to_run_ = queue.size();
    return queue;
  }

  // false: another process holds trial i, try later; otherwise it started (or had finished meanwhile).
  bool start(std::size_t i) { return launch(i); }

  // Reaps the trials that have ended (recording each); true while one still runs.
  bool busy() {
    poll();
    return !running_.empty();
  }

  // Stops the running trials after SIGINT/SIGTERM: their folders are cleared and rerun next time.
  void stop() { stop_all(); }

  // A trial another process ran and recorded: read its record and report it as finish() does.
  void note_finished(std::size_t i, const std::string& where) {
    const fs::path dir = trial_dir(i);
    const TrialResult r =
        from_record(read_json(dir / kTrialRecord), dir, summary_status(dir) == "completed" ? "completed" : "failed");
    results_[i] = r;
    announce(i, r, where);
  }

  bool settle_abandoned(std::size_t i, const std::string& detail, const std::string& where) {
    const int lock = try_lock(i);
    if (lock < 0) return false;
    const fs::path dir = trial_dir(i);
    if (read_json(dir / kTrialRecord).is_object()) {  // its rank recorded it after all
      close(lock);
      note_finished(i, where);
      return true;
    }
    if (summary_status(dir) == "completed") {
      adopt(i);
      close(lock);
      announce(i, results_[i], where);
      return true;
    }
    fs::create_directories(dir);
    std::error_code ec;  // the logs, where the dead rank's file system shares them
    fs::rename(log_file(i, "stdout"), dir / "stdout.log", ec);
    fs::rename(log_file(i, "stderr"), dir / "stderr.log", ec);
    TrialResult r;
    r.known = true;
    r.status = "failed";
    r.detail = detail;
    r.error_tail = tail_of(dir / "stderr.log");
    read_metrics(dir, r);
    results_[i] = r;
    write_record(i, r);
    close(lock);
    announce(i, r, where);
    return true;
  }

  // --collect: every trial that has finished, from its record; nothing runs, nothing is cleared.
  int collect() {
    if (!fs::is_directory(out_ / "trials")) {
      SourceLocation where;
      where.override = "--out " + out_.string();
      throw ConfigError(where, "", "no trials/ in this folder: there is nothing to collect");
    }
    int completed = 0, failed = 0;
    for (std::size_t i = 0; i < trials_.size(); ++i) {
      const fs::path dir = trial_dir(i);
      if (!fs::exists(dir)) continue;
      const nlohmann::json record = read_json(dir / kTrialRecord);
      const bool done = summary_status(dir) == "completed";
      if (!record.is_object()) {
        // Finished with no record only if nobody holds its lock any more.
        const int lock = done ? try_lock(i) : -1;
        if (lock < 0) continue;
        close(lock);
      }
      results_[i] = from_record(record, dir, done ? "completed" : "failed");
      (results_[i].status == "completed" ? completed : failed)++;
    }
    write_summaries();
    std::cout << fmt::format("collected {} trials: {} completed, {} failed, {} not finished; summary in {}\n",
                             trials_.size(), completed, failed, trials_.size() - completed - failed,
                             (out_ / "summary.md").string());
    return failed ? 1 : 0;
  }

 private:
  struct Running {
    std::size_t index;
    pid_t pid;
    std::chrono::steady_clock::time_point started;
    bool timed_out = false;
    int lock = -1;  // the trial's flock, released once its record is written
  };

  fs::path trial_dir(std::size_t i) const { return out_ / "trials" / trials_[i].id; }

  // An exclusive flock on .locks/<id>.lock, or -1 when another process holds
  // it. The descriptor is close-on-exec except in the trial's own child.
  int try_lock(std::size_t i) const {
    // Beside trials/, not in it: trials/ holds only trial folders (and their logs while they run).
    const fs::path file = out_ / ".locks" / (trials_[i].id + ".lock");
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw RunError("cannot open " + file.string() + ": " + std::strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  // A trial that completed with no record (its sweep was killed while it ran): logs moved in, record written.
  void adopt(std::size_t i) {
    const fs::path dir = trial_dir(i);
    std::error_code ec;
    fs::rename(log_file(i, "stdout"), dir / "stdout.log", ec);
    fs::rename(log_file(i, "stderr"), dir / "stderr.log", ec);
    TrialResult r;
    r.known = true;
    r.status = "completed";
    r.detail = "finished after its sweep was killed";
    read_metrics(dir, r);
    results_[i] = r;
    write_record(i, r);
  }

  void write_record(std::size_t i, const TrialResult& r) const {
    nlohmann::json record = {{"id", trials_[i].id},       {"status", r.status},
                             {"detail", r.detail},        {"seconds", r.seconds},
                             {"seed", trials_[i].seed},   {"overrides", trials_[i].overrides},
                             {"error_tail", r.error_tail}};
    write_file_atomically((trial_dir(i) / kTrialRecord).string(), record.dump(2) + "\n");
  }

  fs::path log_file(std::size_t i, const char* stream) const {
    return out_ / "trials" / ("." + trials_[i].id + "." + stream);
  }

  TrialResult from_record(const nlohmann::json& record, const fs::path& dir, const std::string& fallback) const {
    TrialResult r;
    r.known = true;
    r.status = fallback;
    if (record.is_object()) {
      if (record.contains("status") && record["status"].is_string()) r.status = record["status"];
      if (record.contains("detail") && record["detail"].is_string()) r.detail = record["detail"];
      if (record.contains("error_tail") && record["error_tail"].is_string()) r.error_tail = record["error_tail"];
      r.seconds = number(record, "seconds");
      if (std::isnan(r.seconds)) r.seconds = 0;
    }
    if (fallback == "completed") r.status = "completed";
    read_metrics(dir, r);
    return r;
  }

  // false: another process holds the trial, try later. Otherwise it runs now, or
  // is found finished by that other process (recorded, or adopted).
  bool launch(std::size_t i) {
    const int lock = try_lock(i);
    if (lock < 0) return false;
    const fs::path dir = trial_dir(i);
    if (fs::exists(dir)) {
      const nlohmann::json record = read_json(dir / kTrialRecord);
      const bool done = summary_status(dir) == "completed";
      if (record.is_object() && (done || !options_.retry_failed)) {
        results_[i] = from_record(record, dir, done ? "completed" : "failed");
        close(lock);
        --total_to_run_;  // finished by the process that held it
        return true;
      }
      if (done) {
        adopt(i);
        close(lock);
        --total_to_run_;
        return true;
      }
      fs::remove_all(dir);
    }
    const SweepTrial& t = trials_[i];
    std::vector<std::string> args = {"seqlab", "run", options_.run.experiment};
    for (const auto& o : options_.run.overrides) args.push_back(o);
    for (const auto& o : t.overrides) args.push_back(o);
    args.push_back("seed=" + std::to_string(t.seed));
    for (const std::string& a : {std::string("--out"), trial_dir(i).string(), std::string("--no-plots"),
                                 std::string("--threads"), std::to_string(threads_)})
      args.push_back(a);
    for (const auto& d : options_.run.common.plugin_dirs) {
      args.push_back("--plugin-dir");
      args.push_back(d);
    }
    const std::string out_log = log_file(i, "stdout").string(), err_log = log_file(i, "stderr").string();
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::cout << std::flush;
    std::cerr << std::flush;
    const pid_t pid = fork();
    if (pid < 0) {
      close(lock);
      throw RunError(std::string("cannot start a trial: fork failed"));
    }
    if (pid == 0) {
      setpgid(0, 0);  // its own group: the sweep decides when a trial stops
      const int in = open("/dev/null", O_RDONLY);
      const int out = open(out_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open(err_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0) _exit(127);
      fcntl(lock, F_SETFD, 0);  // the child holds the trial's lock until it exits, even if the sweep dies
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      signal(SIGINT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      execv("/proc/self/exe", argv.data());
      const char message[] = "error: cannot execute /proc/self/exe\n";
      (void)!write(2, message, sizeof message - 1);
      _exit(127);
    }
    setpgid(pid, pid);
    running_.push_back({i, pid, std::chrono::steady_clock::now(), false, lock});
    return true;
  }

  void poll() {
    for (auto it = running_.begin(); it != running_.end();) {
      int status = 0;
      pid_t done = waitpid(it->pid, &status, WNOHANG);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->started).count();
      if (done == 0 && spec_.trial_timeout > 0 && seconds > spec_.trial_timeout) {
        kill(-it->pid, SIGKILL);
        it->timed_out = true;
        done = waitpid(it->pid, &status, 0);
      }
      if (done == 0) {
        ++it;
        continue;
      }
      finish(*it, status, seconds);
      it = running_.erase(it);
    }
  }

  void finish(const Running& run, int status, double seconds) {
    const std::size_t i = run.index;
    const fs::path dir = trial_dir(i);
    fs::create_directories(dir);  // a trial refused before its run folder existed still gets one
    std::error_code ec;
    fs::rename(log_file(i, "stdout"), dir / "stdout.log", ec);
    fs::rename(log_file(i, "stderr"), dir / "stderr.log", ec);
    TrialResult r;
    r.known = true;
    r.seconds = seconds;
    if (run.timed_out) {
      r.status = "timeout";
      r.detail = fmt::format("killed at sweep.trial_timeout = {} s", spec_.trial_timeout);
    } else if (WIFSIGNALED(status)) {
      r.status = "crashed";
      r.detail = fmt::format("signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
      const int code = WEXITSTATUS(status);
      const std::string run_status = summary_status(dir);
      if (code == 0 && run_status == "completed")
        r.status = "completed";
      else if (run_status == "diverged")
        r.status = "diverged";
      else
        r.status = "failed";
      if (r.status != "completed") r.detail = fmt::format("exit {}", code);
    }
    if (r.status != "completed") r.error_tail = tail_of(dir / "stderr.log");
    read_metrics(dir, r);
    results_[i] = r;
    write_record(i, r);
    close(run.lock);
    if (announce_) announce(i, r, "");
  }

  void announce(std::size_t i, const TrialResult& r, const std::string& where) {
    ++finished_;
    if (r.status != "completed") ++failed_;
    finished_seconds_ += r.seconds;
    const std::string line =
        fmt::format("[{}/{}] {} {} in {}{}: {} seed={}{}", finished_, total_to_run_, trials_[i].id, r.status,
                    format_seconds(r.seconds), r.detail.empty() ? "" : " (" + r.detail + ")", trials_[i].configuration,
                    trials_[i].seed, where);
    if (!tty_) {
      std::cerr << line << "\n" << std::flush;
    } else if (r.status != "completed") {
      std::fprintf(stderr, "\r\033[K%s\n", line.c_str());
    }
  }

  void progress(std::chrono::steady_clock::time_point started) {
    if (!tty_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string left = "?";
    if (finished_ > 0) {
      const double per_trial = finished_seconds_ / finished_;
      const std::size_t remaining = total_to_run_ - finished_;
      left = format_seconds(per_trial * static_cast<double>(remaining) / std::max(1, jobs_));
    }
    std::fprintf(stderr, "\r\033[Ksweep: %zu/%zu done, %zu running, %zu failed, %s elapsed, ~%s left", finished_,
                 total_to_run_, running_.size(), failed_, format_seconds(elapsed).c_str(), left.c_str());
    std::fflush(stderr);
  }

  void stop_all() {
    for (const auto& run : running_) kill(-run.pid, SIGTERM);
    for (const auto& run : running_) {
      int status = 0;
      waitpid(run.pid, &status, 0);
      std::error_code ec;
      fs::remove(log_file(run.index, "stdout"), ec);
      fs::remove(log_file(run.index, "stderr"), ec);
      close(run.lock);
      // Its folder is left without a trial record: the next sweep clears it and reruns the trial.
    }
    running_.clear();
  }

  double metric_of(const TrialResult& r) const {
    return spec_.metric == "train_loss" ? r.final_train_loss : r.final_val_loss;
  }

  void write_summaries() const {
    std::string csv = "id";
    for (const auto& p : spec_.parameters) csv += "," + csv_field(p.path);
    csv += ",seed,status,final_train_loss,final_val_loss,best_val_loss,seconds,run_folder\n";
    for (std::size_t i = 0; i < trials_.size(); ++i) {
      const TrialResult& r = results_[i];
      if (!r.known) continue;
      csv += trials_[i].id;
      for (const auto& v : trials_[i].values) csv += "," + csv_field(v);
      csv += fmt::format(",{},{},{},{},{},{:.3f},{}\n", trials_[i].seed, r.status, format_metric(r.final_train_loss),
                         format_metric(r.final_val_loss), format_metric(r.best_val_loss), r.seconds,
                         csv_field(trial_dir(i).string()));
    }
    write_file_atomically((out_ / "summary.csv").string(), csv);

    // Configurations ranked by the metric's mean over their completed seeds.
    struct Group {
      std::vector<std::string> values;
      std::vector<double> metric;
      std::vector<std::string> ids;
    };
    std::map<std::string, Group> groups;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < trials_.size(); ++i) {
      const TrialResult& r = results_[i];
      if (!r.known || r.status != "completed" || !std::isfinite(metric_of(r))) continue;
      auto [it, inserted] = groups.try_emplace(trials_[i].configuration);
      if (inserted) order.push_back(trials_[i].configuration);
      it->second.values = trials_[i].values;
      it->second.metric.push_back(metric_of(r));
      it->second.ids.push_back(trials_[i].id);
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
    for (const auto& r : results_) {
      if (!r.known) continue;
      ++known;
      (r.status == "completed" ? completed : failed)++;
    }
    std::string md = "# Sweep: " + base_.name + "\n\n";
    md += fmt::format(
        "{} trials ({}, {} seed(s) each): {} completed, {} failed, {} not run. Ranked by the final {} (mean over "
        "seeds, lower is better).\n\n",
        trials_.size(), spec_.method, spec_.repeats, completed, failed, trials_.size() - known, spec_.metric);
    md += "| rank |";
    for (const auto& p : spec_.parameters) md += " " + p.path + " |";
    md += " " + spec_.metric + " (mean ± std) | count | trials |\n|---|";
    for (std::size_t k = 0; k < spec_.parameters.size(); ++k) md += "---|";
    md += "---|---|---|\n";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      md += fmt::format("| {} |", k + 1);
      for (const auto& v : rows[k].group->values) md += " " + v + " |";
      std::string ids;
      for (const auto& id : rows[k].group->ids) ids += (ids.empty() ? "" : " ") + id;
      md += fmt::format(" {:.6g} ± {:.2g} | {} | {} |\n", rows[k].mean, rows[k].std, rows[k].group->metric.size(), ids);
    }
    if (failed) {
      md += "\n## Failed trials\n";
      for (std::size_t i = 0; i < trials_.size(); ++i) {
        const TrialResult& r = results_[i];
        if (!r.known || r.status == "completed") continue;
        md += fmt::format("\n### {}: {}{}\n\n`{} seed={}` in `{}`\n\n```\n{}```\n", trials_[i].id, r.status,
                          r.detail.empty() ? "" : " (" + r.detail + ")", trials_[i].configuration, trials_[i].seed,
                          trial_dir(i).string(), r.error_tail.empty() ? "(no error output)\n" : r.error_tail);
      }
    }
    write_file_atomically((out_ / "summary.md").string(), md);
    if (!options_.no_plots) write_plots();
  }

  // best_trials.png: the loss curves of the kBestTrials best completed trials;
  // metric_vs_<param>.png: the metric of every completed trial against each swept value.
  void write_plots() const {
    std::vector<std::size_t> ranked;
    for (std::size_t i = 0; i < trials_.size(); ++i)
      if (results_[i].known && results_[i].status == "completed" && std::isfinite(metric_of(results_[i])))
        ranked.push_back(i);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](std::size_t a, std::size_t b) { return metric_of(results_[a]) < metric_of(results_[b]); });
    std::vector<std::string> notes;
    auto note = [&](const PlotOutcome& outcome) {
      if (!outcome.drawn && !outcome.note.empty()) notes.push_back(outcome.note);
    };
    try {
      std::vector<LabelledCurve> curves;
      for (std::size_t k = 0; k < ranked.size() && curves.size() < kBestTrials; ++k) {
        const std::size_t i = ranked[k];
        LabelledCurve c{fmt::format("{}. {} seed={}", curves.size() + 1, trials_[i].configuration, trials_[i].seed),
                        read_loss_curve((trial_dir(i) / "metrics.csv").string())};
        if (!c.curve.epochs.empty()) curves.push_back(std::move(c));
      }
      note(plot_loss_overlay(
          out_.string(), "best_trials", curves,
          fmt::format("{}: the {} best trials by final {}", base_.name, curves.size(), spec_.metric)));
      for (std::size_t p = 0; p < spec_.parameters.size(); ++p) {
        const SweepParameter& param = spec_.parameters[p];
        std::vector<std::string> xs;
        std::vector<double> ys;
        for (std::size_t i = 0; i < trials_.size(); ++i) {  // in trial order: categories keep the list's order
          if (!results_[i].known || results_[i].status != "completed") continue;
          xs.push_back(trials_[i].values[p]);
          ys.push_back(metric_of(results_[i]));
        }
        note(plot_metric_vs(out_.string(), "metric_vs_" + file_part(param.path), param.path, xs, ys,
                            "final " + spec_.metric, fmt::format("{}: final {} per trial", base_.name, spec_.metric),
                            param.kind == SweepParameter::Kind::loguniform));
      }
    } catch (const std::exception& e) {
      notes.push_back(std::string("cannot write the sweep plots: ") + e.what());
    }
    // One line is enough: the causes (no gnuplot, say) are the same for every plot.
    if (!notes.empty()) std::cerr << "note: " << notes.front() << "\n";
  }

  std::size_t shard_index_ = 0, shard_count_ = 1;  // 0-based here; --shard counts from 1
  const SweepOptions& options_;
  const ResolvedExperiment& base_;
  SweepSpec spec_;
  std::vector<SweepTrial> trials_;
  std::vector<TrialResult> results_;
  fs::path out_;
  int jobs_ = 1, threads_ = 1;
  bool tty_ = false;
  bool announce_ = true;  // print a line per finished trial
  std::string layout_;    // "N jobs x T threads" unless the MPI backend says otherwise
  std::size_t mine_ = 0;  // trials in this shard
  std::vector<Running> running_;
  std::size_t total_to_run_ = 0, finished_ = 0, failed_ = 0;
  double finished_seconds_ = 0;
};

// The experiment, its plugins and its trials, as every backend sets them up.
struct SweepSetup {
  std::shared_ptr<const ExperimentSource> source;
  std::unique_ptr<PluginRegistry> registry;
  ResolvedExperiment base;
  SweepSpec spec;
  std::vector<SweepTrial> trials;
};

std::unique_ptr<SweepSetup> set_up(const SweepOptions& options) {
  auto setup = std::make_unique<SweepSetup>();
  setup->source = std::make_shared<const ExperimentSource>(options.run.experiment, options.run.overrides);
  std::vector<std::string> dirs = options.run.common.plugin_dirs;
  for (const auto& dir : experiment_plugin_dirs(*setup->source)) dirs.push_back(dir);
  setup->registry = std::make_unique<PluginRegistry>(dirs);
  setup->base = resolve_experiment(setup->source, *setup->registry);
  setup->spec = parse_sweep(*setup->source);
  setup->trials = expand_trials(setup->spec, setup->base.seed);
  // Every trial is checked (and named) before the first one runs, and before the sweep folder exists.
  resolve_trials(setup->trials, options.run.experiment, options.run.overrides, *setup->registry);
  return setup;
}

}  // namespace

struct SweepDriver::State {
  std::unique_ptr<SweepSetup> setup;
  std::vector<std::string> ids;
  std::unique_ptr<Sweep> sweep;
};

SweepDriver::SweepDriver(const SweepOptions& options) : state_(std::make_unique<State>()) {
  state_->setup = set_up(options);
  for (const auto& t : state_->setup->trials) state_->ids.push_back(t.id);
  state_->sweep =
      std::make_unique<Sweep>(options, state_->setup->base, state_->setup->spec, state_->setup->trials, 0, 1);
}
SweepDriver::~SweepDriver() = default;
const std::vector<std::string>& SweepDriver::trial_ids() const { return state_->ids; }
void SweepDriver::use_one_job_per_process(bool announce, const std::string& layout) {
  state_->sweep->use_one_job_per_process(announce, layout);
}
int SweepDriver::threads() const { return state_->sweep->threads(); }
std::vector<std::size_t> SweepDriver::prepare() {
  const std::deque<std::size_t> queue = state_->sweep->prepare();
  return {queue.begin(), queue.end()};
}
bool SweepDriver::start(std::size_t i) { return state_->sweep->start(i); }
bool SweepDriver::busy() { return state_->sweep->busy(); }
void SweepDriver::stop() { state_->sweep->stop(); }
bool SweepDriver::stop_requested() { return g_stop_signal != 0; }
void SweepDriver::note_finished(std::size_t i, const std::string& where) { state_->sweep->note_finished(i, where); }
bool SweepDriver::settle_abandoned(std::size_t i, const std::string& detail, const std::string& where) {
  return state_->sweep->settle_abandoned(i, detail, where);
}
int SweepDriver::collect() { return state_->sweep->collect(); }

SweepDriver::CatchStopSignals::CatchStopSignals() : signals_(std::make_shared<StopSignals>()) {}

int sweep_command(const SweepOptions& options) {
  if (options.backend == "mpi") {
#ifdef SEQLAB_HAVE_MPI
    return sweep_mpi_command(options);
#else
    return refuse_mpi_backend();
#endif
  }
  try {
    const std::unique_ptr<SweepSetup> setup = set_up(options);
    const ResolvedExperiment& base = setup->base;
    SweepSpec& spec = setup->spec;
    std::vector<SweepTrial>& trials = setup->trials;
    if (options.dry_run) {
      std::size_t configurations = trials.size() / static_cast<std::size_t>(spec.repeats);
      std::cout << fmt::format("{} trials ({}: {} configurations x {} seeds)\n", trials.size(), spec.method,
                               configurations, spec.repeats);
      for (const auto& t : trials) std::cout << t.id << "  seed=" << t.seed << "  " << t.configuration << "\n";
      return 0;
    }
    if (!options.emit_slurm.empty()) {
      emit_slurm(options, base, trials.size());
      return 0;
    }
    const auto [shard_index, shard_count] =
        options.shard.empty() ? std::pair<std::size_t, std::size_t>{0, 1} : parse_shard(options.shard);
    Sweep sweep(options, base, std::move(spec), std::move(trials), shard_index, shard_count);
    return sweep.run();
  } catch (...) {
    return report_exception();
  }
}

}  // namespace seqlab
