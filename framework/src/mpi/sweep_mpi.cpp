// The MPI backend of `seqlab sweep`: rank 0 hands out trial indices to idle ranks, one at a time.
// Tested in tests/sweep/mpi_test.sh, tests/sweep/mpi_rank_death_test.sh, tests/sweep/mpi_interrupt_test.py
#include "mpi/sweep_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/error_report.hpp"
#include "mpi/mpi_session.hpp"
#include "util/stop_signals.hpp"
#include "sweep/sweep_setup.hpp"
#include "sweep/trial_scheduler.hpp"

namespace seqlab {

namespace {

constexpr int kCoordinator = 0;
constexpr int kTagRequest = 1;  // worker -> rank 0: the trial it just finished, or -1
constexpr int kTagAssign = 2;   // rank 0 -> worker: the next trial, or kDone
constexpr int kTagAlive = 3;    // worker -> rank 0: still at its trial (every kHeartbeat)
constexpr int kTagVerdict = 4;  // rank 0 -> worker, at the very end: 1 if a rank was lost, else 0
constexpr int kDone = -1;
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr auto kHeartbeat = std::chrono::seconds(1);
using Clock = std::chrono::steady_clock;

int broadcast_int(int value) {
  MPI_Bcast(&value, 1, MPI_INT, kCoordinator, MPI_COMM_WORLD);
  return value;
}

std::string broadcast_string(std::string text) {
  int length = broadcast_int(static_cast<int>(text.size()));
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, kCoordinator, MPI_COMM_WORLD);
  return text;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  return text;
}

// Whether mpirun keeps the job alive when a rank dies (Open MPI: `mpirun --enable-recovery`).
bool ranks_may_die() {
  const char* value = std::getenv("OMPI_MCA_orte_enable_recovery");
  if (!value) return false;
  const std::string v = value;
  return !(v.empty() || v == "0" || v == "false" || v == "no" || v == "off");
}

// What rank 0 knows of another rank.
struct RankState {
  std::optional<std::size_t> trial;  // the trial it was given and has not reported
  Clock::time_point heard;           // its last message
  bool done = false;                 // told kDone, or given up as dead
  bool lost = false;                 // given up as dead (and not heard from since)
};

struct Coordinated {
  int code = 0;
  bool lost_a_rank = false;
};

// Rank 0: answer messages as they come, run trials itself while it waits, and
// give up on a rank that stays silent for rank_timeout seconds: its trial is
// recorded as failed (once nothing holds the trial's lock any more), the rest go on.
Coordinated coordinate(TrialScheduler& sweep, std::vector<std::size_t> to_run, int ranks, double rank_timeout) {
  std::deque<std::size_t> queue(to_run.begin(), to_run.end());
  // Halving: the trials still in, and the ranks that asked for work while the rung finished elsewhere
  // (answered when the next rung starts). An assignment carries its rung: rung * trials + trial.
  const std::size_t trials = sweep.trial_ids().size();
  std::vector<std::size_t> in;
  for (std::size_t i = 0; i < trials; ++i) in.push_back(i);
  std::vector<int> waiting;
  int rung = 0;
  if (sweep.rungs() > 0) {
    sweep.set_rung(0);
    queue = sweep.rung_queue(in);
    queue.assign(to_run.begin(), to_run.end());  // prepare() already sorted out the folders
  }
  auto assignment = [&](std::size_t i) { return static_cast<int>(static_cast<std::size_t>(rung) * trials + i); };
  std::optional<std::size_t> own;  // the trial rank 0 is running
  std::vector<RankState> others(static_cast<std::size_t>(ranks));
  for (RankState& r : others) r.heard = Clock::now();
  others[kCoordinator].done = true;
  std::vector<std::pair<std::size_t, std::string>> abandoned;  // a dead rank's trial, and why; not yet recorded
  auto workers = [&] {
    return std::count_if(others.begin(), others.end(), [](const RankState& r) { return !r.done; });
  };
  while (workers() > 0 || !queue.empty() || own || !abandoned.empty()) {
    if (StopSignals::stop_requested()) {
      // Said first: stopping a trial waits for its checkpoint, and another rank's MPI_Abort may end
      // this process meanwhile.
      std::cerr << "interrupted: stopping every rank (their running trials are rerun next time)\n";
      sweep.stop();
      MPI_Abort(MPI_COMM_WORLD, 130);
    }
    int pending = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &pending, &status);
    if (pending) {
      const int source = status.MPI_SOURCE;
      int value = kDone;
      MPI_Recv(&value, 1, MPI_INT, source, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      RankState& from = others[static_cast<std::size_t>(source)];
      from.heard = Clock::now();
      if (status.MPI_TAG != kTagRequest) continue;  // a heartbeat
      int next = kDone;
      if (from.lost) {
        // Given up as dead, yet it speaks: its trial is settled from the record it wrote; no more work for
        // it, but it waits for the verdict like the others.
        from.lost = false;
      } else {
        if (value >= 0)
          sweep.note_finished(static_cast<std::size_t>(value) % trials, fmt::format(" (rank {})", source));
        from.trial.reset();
        if (!queue.empty()) {
          from.trial = queue.front();
          next = assignment(queue.front());
          queue.pop_front();
        } else if (rung + 1 < sweep.rungs()) {
          waiting.push_back(source);  // answered when the next rung starts
          continue;
        } else {
          from.done = true;
        }
      }
      MPI_Send(&next, 1, MPI_INT, source, kTagAssign, MPI_COMM_WORLD);
      continue;
    }
    for (std::size_t r = 0; r < others.size(); ++r) {
      RankState& rank = others[r];
      const double silent = std::chrono::duration<double>(Clock::now() - rank.heard).count();
      if (rank.done || silent <= rank_timeout) continue;
      if (std::find(waiting.begin(), waiting.end(), static_cast<int>(r)) != waiting.end()) continue;  // we owe it
      rank.done = rank.lost = true;
      std::cerr << fmt::format("rank {} has been silent for {:.0f} s (--rank-timeout): taking it as dead", r, silent);
      if (rank.trial) {
        std::cerr << fmt::format("; its trial {} will be recorded as failed", sweep.trial_ids()[*rank.trial]);
        abandoned.emplace_back(*rank.trial,
                               fmt::format("its MPI rank {} died: silent for more than {} s", r, rank_timeout));
      }
      std::cerr << "\n";
    }
    // A dead rank's trial may still be running in its own process group: settled once its lock is free.
    for (auto it = abandoned.begin(); it != abandoned.end();)
      it = sweep.settle_abandoned(it->first, it->second, " (rank lost)") ? abandoned.erase(it) : it + 1;
    if (own && !sweep.busy()) own.reset();  // recorded and announced by the sweep itself
    const bool rung_done = queue.empty() && !own && abandoned.empty() &&
                           std::none_of(others.begin(), others.end(), [](const RankState& r) { return r.trial; });
    if (rung_done && rung + 1 < sweep.rungs()) {  // every trial of the rung recorded: the next one
      in = sweep.promote(in);
      sweep.set_rung(++rung);
      queue = sweep.rung_queue(in);
      for (int source : waiting) {
        RankState& to = others[static_cast<std::size_t>(source)];
        to.heard = Clock::now();  // it waited on us, silent by design
        int next = kDone;
        if (!queue.empty()) {
          to.trial = queue.front();
          next = assignment(queue.front());
          queue.pop_front();
        } else if (rung + 1 == sweep.rungs()) {
          to.done = true;
        } else {
          continue;  // stays waiting: wait for the rung after
        }
        MPI_Send(&next, 1, MPI_INT, source, kTagAssign, MPI_COMM_WORLD);
      }
      waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                                   [&](int r) {
                                     return others[static_cast<std::size_t>(r)].trial ||
                                            others[static_cast<std::size_t>(r)].done;
                                   }),
                    waiting.end());
    }
    // A trial another process holds goes to the back of the queue, as in the local runner.
    if (!own && !queue.empty()) {
      const std::size_t i = queue.front();
      queue.pop_front();
      if (sweep.start(i)) {
        if (sweep.busy()) own = i;
      } else {
        queue.push_back(i);
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  Coordinated result;
  result.code = sweep.collect();
  result.lost_a_rank = std::any_of(others.begin(), others.end(), [](const RankState& r) { return r.lost; });
  int verdict = result.lost_a_rank ? 1 : 0;
  for (std::size_t r = 0; r < others.size(); ++r)
    if (r != kCoordinator && !others[r].lost)
      MPI_Send(&verdict, 1, MPI_INT, static_cast<int>(r), kTagVerdict, MPI_COMM_WORLD);
  return result;
}

// Other ranks: ask for a trial, run it to its end (telling rank 0 every
// kHeartbeat that this rank is alive), report it, ask again. At the end, whether
// a rank was lost (rank 0's verdict).
bool work(TrialScheduler& sweep) {
  int finished = kDone;
  for (;;) {
    MPI_Send(&finished, 1, MPI_INT, kCoordinator, kTagRequest, MPI_COMM_WORLD);
    int next = kDone;
    MPI_Recv(&next, 1, MPI_INT, kCoordinator, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (next == kDone) {
      int verdict = 0;
      MPI_Recv(&verdict, 1, MPI_INT, kCoordinator, kTagVerdict, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return verdict != 0;
    }
    const std::size_t trials = sweep.trial_ids().size();
    const auto i = static_cast<std::size_t>(next) % trials;
    if (sweep.rungs() > 0) sweep.set_rung(static_cast<int>(static_cast<std::size_t>(next) / trials));
    auto beat = Clock::now();
    auto wait = [&](std::chrono::milliseconds pause) {
      std::this_thread::sleep_for(pause);
      if (Clock::now() - beat < kHeartbeat) return;
      MPI_Send(&next, 1, MPI_INT, kCoordinator, kTagAlive, MPI_COMM_WORLD);
      beat = Clock::now();
    };
    // Held by another process (a killed sweep's child, another sweep): wait for it, as launch() does.
    while (!sweep.start(i) && !StopSignals::stop_requested()) wait(kPollInterval * 10);
    while (sweep.busy() && !StopSignals::stop_requested()) wait(kPollInterval);
    if (StopSignals::stop_requested()) {
      std::cerr << "interrupted: stopping this rank's trial (it is rerun next time)\n";
      sweep.stop();
      MPI_Abort(MPI_COMM_WORLD, 130);
    }
    finished = next;
  }
}

}  // namespace

int sweep_mpi_command(const SweepOptions& options) {
  if (options.dry_run || options.collect || !options.shard.empty() || !options.emit_slurm.empty() || options.jobs > 0) {
    std::cerr << "error: --backend mpi runs the whole sweep, one trial per rank at a time (mpirun -np sets how many); "
                 "use --dry-run, --collect, --shard, --emit-slurm and --jobs without it\n";
    return 2;
  }
  const MpiSession mpi;
  const StopSignals signals;
  // Every rank resolves the same trials (their ids hash the resolved configurations); rank 0 scans the folder.
  std::unique_ptr<TrialScheduler> sweep;
  std::vector<std::size_t> to_run;
  int code = 0;
  try {
    sweep = std::make_unique<TrialScheduler>(options, set_up_sweep(options));
    if (mpi.rank() == kCoordinator) {
      sweep->use_one_job_per_process(
          true, fmt::format("{} MPI ranks x 1 trial x {} threads (rank 0)", mpi.size(), sweep->threads()));
      const std::deque<std::size_t> queue = sweep->prepare();
      to_run.assign(queue.begin(), queue.end());
#ifdef OPEN_MPI
      if (mpi.size() > 1 && !ranks_may_die())
        std::cout << "note: Open MPI ends the whole job if a rank dies; under `mpirun --enable-recovery` a dead "
                     "rank loses only its trial\n"
                  << std::flush;
#endif
    } else {
      sweep->use_one_job_per_process(false, "");
    }
  } catch (...) {
    code = mpi.rank() == kCoordinator ? report_exception() : 2;
    if (mpi.rank() != kCoordinator) sweep.reset();
  }
  code = broadcast_int(code);  // rank 0's verdict: a bad experiment stops every rank with its exit code
  if (code != 0) return code;
  const std::string ids = broadcast_string(mpi.rank() == kCoordinator ? joined(sweep->trial_ids()) : "");
  if (mpi.rank() != kCoordinator && (!sweep || joined(sweep->trial_ids()) != ids)) {
    std::cerr << fmt::format(
        "error: rank {} cannot set up the same trials as rank 0 (is the experiment, its data and plugins on a shared "
        "file system at the same path?)\n",
        mpi.rank());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  bool lost_a_rank = false;
  try {
    if (mpi.rank() == kCoordinator) {
      const Coordinated result = coordinate(*sweep, std::move(to_run), mpi.size(), options.rank_timeout);
      code = result.code;
      lost_a_rank = result.lost_a_rank;
    } else {
      lost_a_rank = work(*sweep);
    }
  } catch (...) {
    // A rank that cannot go on (an unwritable folder, say) cannot leave the others waiting for it.
    report_exception();
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  // No collective here: under `--enable-recovery` a dead rank would never join it. Rank 0
  // carries the sweep's verdict (Open MPI's mpirun returns the first non-zero code).
  if (mpi.rank() != kCoordinator) code = 0;
  if (lost_a_rank) mpi.exit_without_finalize(code);
  return code;
}

}  // namespace seqlab
