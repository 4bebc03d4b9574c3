// The MPI side of data-parallel training: BatchSplit over MPI_COMM_WORLD.
// Tested in tests/data_parallel/mpi_data_parallel_test.sh
#include "mpi/run_mpi.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <vector>

#include "mpi/mpi_session.hpp"
#include "runs/run_experiment.hpp"
#include "training/batch_split.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

constexpr int kRoot = 0;

class MpiBatchSplit : public BatchSplit {
 public:
  explicit MpiBatchSplit(const MpiSession& mpi) : rank_(mpi.rank()), size_(mpi.size()) {}

  std::size_t part() const override { return static_cast<std::size_t>(rank_); }
  std::size_t parts() const override { return static_cast<std::size_t>(size_); }

  // Gathered on rank 0, added in rank order there, broadcast: the same bits on every
  // rank (MPI_Allreduce leaves the order of additions to the library).
  void sum(double* values, std::size_t count) override {
    check_same_count(count);
    if (rank_ == kRoot && gathered_.size() != count * parts()) gathered_.resize(count * parts());
    MPI_Gather(values, static_cast<int>(count), MPI_DOUBLE, gathered_.data(), static_cast<int>(count), MPI_DOUBLE,
               kRoot, MPI_COMM_WORLD);
    if (rank_ == kRoot)
      for (std::size_t i = 0; i < count; ++i) {
        double total = gathered_[i];
        for (std::size_t r = 1; r < parts(); ++r) total += gathered_[r * count + i];
        values[i] = total;
      }
    MPI_Bcast(values, static_cast<int>(count), MPI_DOUBLE, kRoot, MPI_COMM_WORLD);
  }

  [[noreturn]] void abandon(int code) override {
    std::cerr << fmt::format("error: rank {} cannot go on; stopping every rank\n", rank_) << std::flush;
    MPI_Abort(MPI_COMM_WORLD, code);
    std::abort();  // MPI_Abort does not return
  }

 private:
  // Ranks that disagree on what they sum (a different experiment or plugin on
  // some node) would mix unrelated numbers: every rank stops with an error instead.
  void check_same_count(std::size_t count) {
    unsigned long counts[2] = {count, ~static_cast<unsigned long>(count)};  // max of both = max and min
    MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (counts[0] != ~counts[1])
      throw RunError(
          fmt::format("the MPI ranks disagree on the model's size ({} to {} values to sum): every rank "
                      "must see the same experiment, data and plugins (a shared file system)",
                      ~counts[1], counts[0]));
  }

  int rank_, size_;
  std::vector<double> gathered_;  // rank 0: every rank's values, rank after rank
};

}  // namespace

int run_mpi_command(const RunOptions& options) {
  const MpiSession mpi;
  MpiBatchSplit split(mpi);
  return run_experiment(options, &split);
}

}  // namespace seqlab
