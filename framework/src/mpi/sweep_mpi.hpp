// `seqlab sweep --backend mpi`: the trials handed out over MPI ranks (built only with MPI).
#pragma once

#include "sweep/sweep_options.hpp"

namespace seqlab {

// Run under `mpirun -np N`. Rank 0 sets the sweep up and validates it as the
// local backend does, then answers each idle rank with the next trial to run,
// running trials itself between messages; every rank runs one trial at a time as
// a `seqlab run` child with --threads = its usable cores. Rank 0 writes the
// summary (as --collect). A rank silent for options.rank_timeout seconds is taken
// as dead and its trial recorded as failed (Open MPI keeps the job alive for that
// only under `mpirun --enable-recovery`). Rank 0 returns `seqlab sweep`'s exit
// codes; the other ranks 0, or that code for a bad experiment.
int sweep_mpi_command(const SweepOptions& options);

}  // namespace seqlab
