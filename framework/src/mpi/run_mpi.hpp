// `seqlab run --backend mpi`: one run trained data-parallel over MPI ranks (built only with MPI).
#pragma once

#include "runs/run_options.hpp"

namespace seqlab {

// Run under `mpirun -np N`. Every rank loads the same experiment, data and
// initial weights; each batch is split into N contiguous shares, one per rank;
// their gradients (weighted by rows) and losses are summed in rank order on rank
// 0 and broadcast, so every rank takes the same optimizer step. Results equal a
// single-process run's within float rounding, and are bit-identical from run to
// run at the same N and thread count. Rank 0 writes the run folder and prints;
// exit codes as run_experiment, on every rank.
int run_mpi_command(const RunOptions& options);

}  // namespace seqlab
