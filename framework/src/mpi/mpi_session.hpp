// MPI_Init and MPI_Finalize around the subcommands that use MPI (built only with MPI).
#pragma once

#include <mpi.h>

#include <cstdlib>
#include <iostream>

namespace seqlab {

// Only `--backend mpi` creates one, so plain runs never pay for MPI_Init.
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

  // Open MPI's MPI_Finalize waits for every rank, a dead one too: once a rank is
  // lost (under `mpirun --enable-recovery`), the survivors leave without it.
  [[noreturn]] void exit_without_finalize(int code) const {
    std::cout << std::flush;
    std::cerr << std::flush;
    std::_Exit(code);
  }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace seqlab
