// The MPI backend of `seqlab sweep`: rank 0 hands out trial indices to idle ranks, one at a time.
#include "sweep_mpi.hpp"

#include <chrono>
#include <deque>
#include <fmt/format.h>
#include <iostream>
#include <mpi.h>
#include <optional>
#include <thread>

namespace seqlab {

namespace {

constexpr int kCoordinator = 0;
constexpr int kTagRequest = 1;  // worker -> rank 0: the trial it just finished, or -1
constexpr int kTagAssign = 2;   // rank 0 -> worker: the next trial, or kDone
constexpr int kDone = -1;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// MPI_Init only for this subcommand, so `seqlab run` never pays for it.
class MpiSession {
 public:
  MpiSession() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

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

// Rank 0: answer requests as they come, run trials itself while it waits.
int coordinate(SweepDriver& sweep, std::vector<std::size_t> to_run, int ranks) {
  std::deque<std::size_t> queue(to_run.begin(), to_run.end());
  std::optional<std::size_t> own;  // the trial rank 0 is running
  int workers = ranks - 1;         // ranks not yet told kDone
  while (workers > 0 || !queue.empty() || own) {
    if (SweepDriver::stop_requested()) {
      sweep.stop();
      std::cerr << "interrupted: stopping every rank (their running trials are rerun next time)\n";
      MPI_Abort(MPI_COMM_WORLD, 130);
    }
    int pending = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &pending, &status);
    if (pending) {
      int finished = kDone;
      MPI_Recv(&finished, 1, MPI_INT, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (finished >= 0)
        sweep.note_finished(static_cast<std::size_t>(finished), fmt::format(" (rank {})", status.MPI_SOURCE));
      int next = kDone;
      if (!queue.empty()) {
        next = static_cast<int>(queue.front());
        queue.pop_front();
      } else {
        --workers;
      }
      MPI_Send(&next, 1, MPI_INT, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
      continue;
    }
    if (own && !sweep.busy()) own.reset();  // recorded and announced by the sweep itself
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
  return sweep.collect();
}

// Other ranks: ask for a trial, run it to its end, report it, ask again.
void work(SweepDriver& sweep) {
  int finished = kDone;
  for (;;) {
    MPI_Send(&finished, 1, MPI_INT, kCoordinator, kTagRequest, MPI_COMM_WORLD);
    int next = kDone;
    MPI_Recv(&next, 1, MPI_INT, kCoordinator, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (next == kDone) return;
    const auto i = static_cast<std::size_t>(next);
    // Held by another process (a killed sweep's child, another sweep): wait for it, as launch() does.
    while (!sweep.start(i) && !SweepDriver::stop_requested()) std::this_thread::sleep_for(kPollInterval * 10);
    while (sweep.busy() && !SweepDriver::stop_requested()) std::this_thread::sleep_for(kPollInterval);
    if (SweepDriver::stop_requested()) {
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
  const SweepDriver::CatchStopSignals signals;
  // Rank 0 validates and scans the folder; the others only expand the same trials.
  std::unique_ptr<SweepDriver> sweep;
  std::vector<std::size_t> to_run;
  int code = 0;
  try {
    sweep = std::make_unique<SweepDriver>(options, mpi.rank() == kCoordinator);
    if (mpi.rank() == kCoordinator) {
      sweep->use_one_job_per_process(
          true, fmt::format("{} MPI ranks x 1 trial x {} threads (rank 0)", mpi.size(), sweep->threads()));
      to_run = sweep->prepare();
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
  try {
    if (mpi.rank() == kCoordinator) {
      code = coordinate(*sweep, std::move(to_run), mpi.size());
    } else {
      work(*sweep);
    }
  } catch (...) {
    // A rank that cannot go on (an unwritable folder, say) cannot leave the others waiting for it.
    report_exception();
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return broadcast_int(code);
}

}  // namespace seqlab
