// Data-parallel training: several processes train one model, each on its share of every batch.
#pragma once

#include <cstddef>
#include <utility>

namespace seqlab {

// The processes of one data-parallel run (run_mpi.cpp: the MPI ranks). They hold
// the same model, data and seed; each computes the gradient of its rows of a
// batch, the shares are summed, and every process takes the same optimizer step.
// Every process calls sum() at the same points with the same count.
class BatchSplit {
 public:
  virtual ~BatchSplit() = default;
  virtual std::size_t part() const = 0;   // this process, 0 .. parts() - 1; part 0 writes the run folder
  virtual std::size_t parts() const = 0;  // how many processes share each batch
  // Replaces values[0, count) in every process by their sum over the processes,
  // added in process order: the same bits everywhere and in every run.
  virtual void sum(double* values, std::size_t count) = 0;
  // This process failed where the others may be waiting in a sum: stop every
  // process now with `code` (MPI_Abort). Does not return.
  [[noreturn]] virtual void abandon(int code) = 0;
};

// The items [first, last) of `rows` items that process `part` of `parts` takes: contiguous,
// in order, counts differing by at most one. (DataParallelBatch shares a batch's reduction
// blocks this way.)
inline std::pair<std::size_t, std::size_t> share_of_batch(std::size_t rows, std::size_t part, std::size_t parts) {
  return {rows * part / parts, rows * (part + 1) / parts};
}

}  // namespace seqlab
