// The sweep's scheduling loop: claim a trial, start its child, reap it, record it, report progress.
// Tested in tests/sweep/test_trial_scheduler.cpp, tests/sweep/test_halving.cpp
#include "sweep/trial_scheduler.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "config/config_error.hpp"
#include "util/stop_signals.hpp"
#include "sweep/sweep_summary.hpp"
#include "sweep/trial_process.hpp"
#include "util/flock.hpp"
#include "util/folder_handle.hpp"
#include "util/usable_cores.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

std::string format_seconds(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
}

}  // namespace

TrialScheduler::TrialScheduler(const SweepOptions& options, SweepSetup setup, std::size_t shard_index,
                               std::size_t shard_count)
    : options_(options),
      setup_(std::move(setup)),
      shard_index_(shard_index),
      shard_count_(shard_count),
      results_(setup_.trials.size()) {
  out_ = sweep_folder(options, setup_.base());
  const unsigned cores = usable_cores();
  jobs_ = options.jobs > 0 ? options.jobs : static_cast<int>(cores);
  threads_ = std::max(1, static_cast<int>(cores) / jobs_);
  tty_ = isatty(STDERR_FILENO) == 1;
  report_ = std::make_unique<SweepReport>(out_, setup_.base().name, setup_.spec, setup_.trials, !options.no_plots);
}

std::vector<std::string> TrialScheduler::trial_ids() const {
  std::vector<std::string> ids;
  for (const auto& t : setup_.trials) ids.push_back(t.id);
  return ids;
}

// The MPI backend: each rank runs one trial at a time with every core it may use,
// and only the coordinating rank reports trials (announce = false elsewhere).
void TrialScheduler::use_one_job_per_process(bool announce, const std::string& layout) {
  jobs_ = 1;
  threads_ = static_cast<int>(usable_cores());
  announce_ = announce;
  layout_ = layout;
  tty_ = false;  // one line per finished trial: ranks share mpirun's output
}

int TrialScheduler::run() {
  if (options_.collect) {
    check_folder();
    return collect();
  }
  const StopSignals signals;
  std::deque<std::size_t> queue = prepare();
  const std::size_t mine = mine_;
  const bool interrupted = setup_.spec.halving ? !run_rungs(std::move(queue)) : !run_queue(std::move(queue));

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

bool TrialScheduler::run_queue(std::deque<std::size_t> queue) {
  const auto started = std::chrono::steady_clock::now();
  while ((!queue.empty() || !running_.empty()) && !StopSignals::stop_requested()) {
    // A trial another process holds goes to the back of the queue and is tried again later.
    for (std::size_t tries = queue.size(); tries > 0 && static_cast<int>(running_.size()) < jobs_; --tries) {
      const std::size_t i = queue.front();
      queue.pop_front();
      if (!start(i)) queue.push_back(i);
    }
    poll();
    progress(started);
    if (!running_.empty() || !queue.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (tty_) std::fprintf(stderr, "\r\033[K");
  if (!StopSignals::stop_requested()) return true;
  stop_all();
  return false;
}

void TrialScheduler::check_folder() const {
  if (fs::exists(out_) && !fs::is_empty(out_) && !fs::is_directory(out_ / "trials")) {
    SourceLocation where;
    where.override = "--out " + out_.string();
    throw ConfigError(where, "",
                      "the folder holds files but no trials/: it is not a sweep folder; choose another --out");
  }
}

std::deque<std::size_t> TrialScheduler::prepare() {
  check_folder();
  // trials/ and each trial's folder are the sweep's own: a link planted at one would have trials, their
  // records and logs written elsewhere, so the sweep refuses to start (util/folder_handle.hpp).
  const FolderHandle trials = FolderHandle::open(out_, true, "sweep folder").sub("trials");
  for (const auto& t : setup_.trials) trials.refuse_link(t.id);
  std::deque<std::size_t> queue;
  int skipped = 0, kept_failed = 0, cleared = 0, busy = 0;
  mine_ = 0;
  for (std::size_t i = 0; i < setup_.trials.size(); ++i) {
    // Halving shares each rung's trials among shards (claimed by lock): a rung waits for all of them.
    if (!setup_.spec.halving && i % shard_count_ != shard_index_) continue;
    ++mine_;
    const fs::path dir = trial_dir(i);
    if (!fs::exists(dir)) {
      queue.push_back(i);
      continue;
    }
    const nlohmann::json record = read_json(dir / kTrialRecord);
    if (record.is_object()) {
      if (run_status(dir) == "completed") {
        results_[i] = result_from_record(record, dir, "completed");
        ++skipped;
      } else if (!options_.retry_failed) {
        results_[i] = result_from_record(record, dir, "failed");
        ++kept_failed;
      } else {
        fs::remove_all(dir);
        queue.push_back(i);
      }
      continue;
    }
    // No record: the trial never finished under a sweep. Its process may still
    // be running (a SIGKILLed sweep's child): then start() waits for its lock.
    const int lock = try_lock(i);
    if (lock < 0) {
      ++busy;
      queue.push_back(i);
      continue;
    }
    if (run_status(dir) == "completed") {
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
      shard_count_ > 1 ? fmt::format(" shard {}/{} ({} of the trials)", shard_index_ + 1, shard_count_, mine_) : "";
  const std::string layout = layout_.empty() ? fmt::format("{} jobs x {} threads", jobs_, threads_) : layout_;
  std::cout << fmt::format("sweep {}{}: {} trials, {} to run, {} -> {}\n", setup_.base().name, shard,
                           setup_.trials.size(), queue.size(), layout, out_.string());
  if (skipped) std::cout << "skipped " << skipped << " finished trials\n";
  if (kept_failed) std::cout << "kept " << kept_failed << " failed trials as failed (--retry-failed reruns them)\n";
  if (cleared) std::cout << "cleared " << cleared << " half-written trial folders to rerun them\n";
  if (busy)
    std::cout << busy << (busy == 1 ? " trial is" : " trials are")
              << " still running in another process (a killed sweep's child, or another sweep): "
              << "waiting for them\n";
  std::cout << std::flush;
  total_to_run_ = queue.size();
  report_->changed();  // the first live page: the trials finished so far, written at the first poll
  return queue;
}

bool TrialScheduler::busy() {
  poll();
  return !running_.empty();
}

void TrialScheduler::stop() { stop_all(); }

void TrialScheduler::note_finished(std::size_t i, const std::string& where) {
  const fs::path dir = trial_dir(i);
  const TrialResult r =
      result_from_record(read_json(dir / kTrialRecord), dir, run_status(dir) == "completed" ? "completed" : "failed");
  results_[i] = r;
  announce(i, r, where);
}

bool TrialScheduler::settle_abandoned(std::size_t i, const std::string& detail, const std::string& where) {
  const int lock = try_lock(i);
  if (lock < 0) return false;
  const fs::path dir = trial_dir(i);
  if (read_json(dir / kTrialRecord).is_object()) {  // its rank recorded it after all
    close(lock);
    note_finished(i, where);
    return true;
  }
  if (run_status(dir) == "completed") {
    adopt(i);
    close(lock);
    announce(i, results_[i], where);
    return true;
  }
  // A real folder, never a link; then the logs, where the dead rank's file system shares them.
  FolderHandle::open_made(dir, true, "sweep folder");
  move_logs_in(i);
  TrialResult r;
  r.known = true;
  r.status = "failed";
  r.detail = detail;
  r.error_tail = tail_of(dir / "stderr.log");
  read_run_metrics(dir, r);
  results_[i] = r;
  write_trial_record(dir, setup_.trials[i], r);
  close(lock);
  announce(i, r, where);
  return true;
}

int TrialScheduler::collect() {
  if (!fs::is_directory(out_ / "trials")) {
    SourceLocation where;
    where.override = "--out " + out_.string();
    throw ConfigError(where, "", "no trials/ in this folder: there is nothing to collect");
  }
  const std::size_t count = setup_.trials.size();
  int completed = 0, failed = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const fs::path dir = trial_dir(i);
    if (!fs::exists(dir)) continue;
    const nlohmann::json record = read_json(dir / kTrialRecord);
    const bool done = run_status(dir) == "completed";
    if (!record.is_object()) {
      // Finished with no record only if nobody holds its lock any more.
      const int lock = done ? try_lock(i) : -1;
      if (lock < 0) continue;
      close(lock);
    }
    results_[i] = result_from_record(record, dir, done ? "completed" : "failed");
    (results_[i].status == "completed" ? completed : failed)++;
  }
  write_summaries();
  std::cout << fmt::format("collected {} trials: {} completed, {} failed, {} not finished; summary in {}\n", count,
                           completed, failed, count - completed - failed, (out_ / "summary.md").string());
  return failed ? 1 : 0;
}

fs::path TrialScheduler::log_file(std::size_t i, const char* stream) const {
  return out_ / "trials" / ("." + setup_.trials[i].id + "." + stream);
}

// Beside trials/, not in it: trials/ holds only trial folders (and their logs while they run).
int TrialScheduler::try_lock(std::size_t i) const {
  return try_lock_file(out_ / ".locks" / (setup_.trials[i].id + ".lock"));
}

void TrialScheduler::move_logs_in(std::size_t i) const {
  std::error_code ec;  // a log that is not there (never started, or on another node) is no error
  fs::rename(log_file(i, "stdout"), trial_dir(i) / "stdout.log", ec);
  fs::rename(log_file(i, "stderr"), trial_dir(i) / "stderr.log", ec);
}

// A trial that completed with no record (its sweep was killed while it ran): logs moved in, record written.
void TrialScheduler::adopt(std::size_t i) {
  const fs::path dir = trial_dir(i);
  move_logs_in(i);
  TrialResult r;
  r.known = true;
  r.status = "completed";
  r.detail = "finished after its sweep was killed";
  read_run_metrics(dir, r);
  if (rung_ >= 0) record_rung(i, r);
  results_[i] = r;
  write_trial_record(dir, setup_.trials[i], r);
}

bool TrialScheduler::start(std::size_t i) {
  const int lock = try_lock(i);
  if (lock < 0) return false;
  const fs::path dir = trial_dir(i);
  if (fs::exists(dir)) {
    const nlohmann::json record = read_json(dir / kTrialRecord);
    const bool done = run_status(dir) == "completed";
    if (record.is_object() && rung_ > 0) {  // halving: trained to this rung already, or go on from the last
      results_[i] = result_from_record(record, dir, done ? "completed" : "failed");
      // Its resume may have completed after its sweep was killed, before the record was written.
      if (results_[i].rung < rung_ && !(done && run_epochs(dir) == rung_epochs_[rung_])) return start_child(i, lock);
      if (results_[i].rung < rung_) adopt(i);
      close(lock);
      announce(i, results_[i], " (finished by another process)", false);
      return true;
    }
    // Finished meanwhile by the process that held it: counted as done, so the counter keeps its total.
    if (record.is_object() && (done || !options_.retry_failed)) {
      results_[i] = result_from_record(record, dir, done ? "completed" : "failed");
      close(lock);
      announce(i, results_[i], " (finished by another process)", false);
      return true;
    }
    if (done) {
      adopt(i);
      close(lock);
      announce(i, results_[i], " (finished by another process)", false);
      return true;
    }
    fs::remove_all(dir);
  }
  return start_child(i, lock);
}

// Starts trial i's child, which holds `lock` until it exits: `seqlab run`, or under halving
// after the first rung `seqlab resume` to the rung's epochs (the folder's checkpoint goes on).
bool TrialScheduler::start_child(std::size_t i, int lock) {
  const fs::path dir = trial_dir(i);
  const SweepTrial& t = setup_.trials[i];
  std::vector<std::string> args;
  if (rung_ > 0) {
    args = {"seqlab", "resume", dir.string(), "--epochs", std::to_string(rung_epochs_[rung_]), "--no-plots"};
  } else {
    args = {"seqlab", "run", options_.run.experiment};
    for (const auto& o : options_.run.overrides) args.push_back(o);
    for (const auto& o : t.overrides) args.push_back(o);
    args.push_back("seed=" + std::to_string(t.seed));
    if (rung_ == 0) args.push_back("training.epochs=" + std::to_string(rung_epochs_[0]));
    for (const std::string& a : {std::string("--out"), dir.string(), std::string("--no-plots"),
                                 std::string("--threads"), std::to_string(threads_)})
      args.push_back(a);
  }
  std::vector<std::string> plugin_dirs = options_.run.common.plugin_dirs;
  // `resume` follows no folder a run folder names: the experiment's own (the user's file) are given here.
  if (rung_ > 0)
    for (const auto& d : setup_.base().plugin_dirs) plugin_dirs.push_back(d);
  for (const auto& d : plugin_dirs) {
    args.push_back("--plugin-dir");
    args.push_back(d);
  }
  // The child opens its logs by name (O_TRUNC): whatever is at those names now, a planted link included, goes
  // first, so that the child creates new files in trials/ and truncates nothing elsewhere.
  pid_t pid = -1;
  try {
    const FolderHandle trials = FolderHandle::open_made(out_ / "trials", true, "sweep folder");
    trials.remove(log_file(i, "stdout").filename().string());
    trials.remove(log_file(i, "stderr").filename().string());
    pid =
        start_child_holding_lock(std::move(args), log_file(i, "stdout").string(), log_file(i, "stderr").string(), lock);
  } catch (...) {
    close(lock);
    throw;
  }
  running_.push_back({i, pid, std::chrono::steady_clock::now(), false, lock});
  return true;
}

void TrialScheduler::poll() {
  for (auto it = running_.begin(); it != running_.end();) {
    int status = 0;
    pid_t done = waitpid(it->pid, &status, WNOHANG);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->started).count();
    if (done == 0 && setup_.spec.trial_timeout > 0 && seconds > setup_.spec.trial_timeout) {
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
  if (live_report()) report_->refresh(results_);
}

void TrialScheduler::finish(const Running& run, int status, double seconds) {
  const std::size_t i = run.index;
  const fs::path dir = trial_dir(i);
  // A trial refused before its run folder existed still gets one; a real folder, never a link.
  FolderHandle::open_made(dir, true, "sweep folder");
  move_logs_in(i);
  TrialResult r;
  r.known = true;
  r.seconds = seconds;
  if (run.timed_out) {
    r.status = "timeout";
    r.detail = fmt::format("killed at sweep.trial_timeout = {} s", setup_.spec.trial_timeout);
  } else if (WIFSIGNALED(status)) {
    r.status = "crashed";
    r.detail = fmt::format("signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else {
    const int code = WEXITSTATUS(status);
    const std::string status_of_run = run_status(dir);
    if (code == 0 && status_of_run == "completed")
      r.status = "completed";
    else if (status_of_run == "diverged")
      r.status = "diverged";
    else
      r.status = "failed";
    if (r.status != "completed") r.detail = fmt::format("exit {}", code);
  }
  if (r.status != "completed") r.error_tail = tail_of(dir / "stderr.log");
  read_run_metrics(dir, r);
  if (rung_ >= 0) record_rung(i, r);
  results_[i] = r;
  write_trial_record(dir, setup_.trials[i], r);
  close(run.lock);
  if (announce_) announce(i, r, "");
}

void TrialScheduler::announce(std::size_t i, const TrialResult& r, const std::string& where, bool ran_here) {
  ++finished_;
  if (r.status != "completed") ++failed_;
  if (ran_here) ++run_here_;
  report_->changed();
  const SweepTrial& t = setup_.trials[i];
  const std::string line = fmt::format("[{}/{}] {} {} in {}{}: {} seed={}{}", finished_, total_to_run_, t.id, r.status,
                                       format_seconds(r.seconds), r.detail.empty() ? "" : " (" + r.detail + ")",
                                       t.configuration, t.seed, where);
  if (!tty_) {
    std::cerr << line << "\n" << std::flush;
  } else if (r.status != "completed") {
    std::fprintf(stderr, "\r\033[K%s\n", line.c_str());
  }
}

void TrialScheduler::progress(std::chrono::steady_clock::time_point started) {
  if (!tty_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string left = "?";
  // The pace so far, wall clock per trial this process finished (start-up, waits and uneven trials
  // included, parallel jobs counted by what they achieved), times the trials still to finish.
  if (run_here_ > 0) {
    const std::size_t remaining = total_to_run_ - finished_;
    left = format_seconds(elapsed / static_cast<double>(run_here_) * static_cast<double>(remaining));
  }
  std::fprintf(stderr, "\r\033[Ksweep: %zu/%zu done, %zu running, %zu failed, %s elapsed, ~%s left", finished_,
               total_to_run_, running_.size(), failed_, format_seconds(elapsed).c_str(), left.c_str());
  std::fflush(stderr);
}

void TrialScheduler::stop_all() {
  for (const auto& run : running_) kill(-run.pid, SIGTERM);
  for (const auto& run : running_) {
    int status = 0;
    waitpid(run.pid, &status, 0);
    // A trial in its last epoch finishes it (SIGTERM stops a run between batches): keep it as finished.
    if (run_status(trial_dir(run.index)) == "completed") {
      adopt(run.index);
      close(run.lock);
      continue;
    }
    std::error_code ec;
    fs::remove(log_file(run.index, "stdout"), ec);
    fs::remove(log_file(run.index, "stderr"), ec);
    close(run.lock);
    // Its folder is left without a trial record: the next sweep clears it and reruns the trial.
  }
  running_.clear();
}

void TrialScheduler::write_summaries() {
  write_sweep_summary({out_, setup_.base().name, setup_.spec, setup_.trials, results_, !options_.no_plots});
  report_->finish(results_);
}

}  // namespace seqlab
