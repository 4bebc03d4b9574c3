// The runner's schemas: validation, defaults and `seqlab plugins`-style help all follow from these lists.
#include "config/runner_schemas.hpp"

namespace seqlab {

const ParamSchema& experiment_schema() {
  static const ParamSchema schema = {
      text("name", "", "the run's name; default: the file name without .yaml"),
      integer("seed", 0, "the seed every random draw of the run derives from").at_least(0),
  };
  return schema;
}

const ParamSchema& training_schema() {
  static const ParamSchema schema = {
      integer("epochs", 100, "passes over the training set").at_least(1),
      integer("batch_size", 0, "sequences per step; 0 = the full training set (full batch)").at_least(0),
      boolean("shuffle", true, "reshuffle the mini-batches every epoch (from the seed)"),
      integer("log_every", 10, "print the loss every N epochs; 0 = never").at_least(0),
      integer("threads", 1, "BLAS and compute threads; the same count gives bit-identical results").at_least(1),
  };
  return schema;
}

}  // namespace seqlab
