// The runner's schemas: validation, defaults and `seqlab plugins`-style help all follow from these lists.
#include "config/runner_schemas.hpp"

#include "util/usable_cores.hpp"

namespace seqlab {

namespace {

// The largest integer a double holds exactly: validation compares bounds as doubles.
constexpr double kMaxSeed = 9007199254740991.0;
// More threads than this per core only oversubscribes; far more would exhaust the process table.
constexpr unsigned kThreadsPerCore = 4;

}  // namespace

const ParamSchema& experiment_schema() {
  static const ParamSchema schema = {
      text("name", "", "the run's name; default: the file name without .yaml"),
      integer("seed", 0, "the seed every random draw of the run derives from").between(0, kMaxSeed),
  };
  return schema;
}

const ParamSchema& training_schema() {
  static const ParamSchema schema = {
      integer("epochs", 100, "passes over the training set").at_least(1),
      integer("batch_size", 0, "sequences per step; 0 = the full training set (full batch)").at_least(0),
      boolean("shuffle", true, "reshuffle the mini-batches every epoch (from the seed)"),
      integer("log_every", 10, "print the loss every N epochs; 0 = never").at_least(0),
      integer("threads", 1,
              "BLAS and compute threads, at most 4 x the cores this process may use; the same count gives "
              "bit-identical results")
          .between(1, kThreadsPerCore * usable_cores()),
  };
  return schema;
}

}  // namespace seqlab
