// The runner's schemas: validation, defaults and `seqlab plugins`-style help all follow from these lists.
// Tested in tests/cli/test_reference_command.cpp, tests/cli/test_cli_errors.cpp
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
      real("clip_grad_norm", 0.0,
           "before each step, scale the gradient down so that its global L2 norm is at most this "
           "(torch.nn.utils.clip_grad_norm_); 0 = no clipping. metrics.csv logs the norm before clipping")
          .at_least(0),
      choice("keep", {"auto", "best", "last"}, "auto",
             "the weights saved at the end: those of the best epoch (by early_stopping's metric, else the "
             "validation loss, else the training loss) or of the last; auto: best with early_stopping, else last"),
      integer("validate_every", 1,
              "compute the validation loss every N epochs (epoch % N == 0) and on the last; metrics.csv leaves "
              "the others' val_loss empty, and early stopping, keep: best and plateau count only validated epochs")
          .at_least(1),
      integer("checkpoint_every", 0,
              "write checkpoint.bin every N epochs, for `seqlab resume`; 0 = only at the end and when a signal "
              "stops the run")
          .at_least(0),
  };
  return schema;
}

const std::map<std::string, std::string>& training_range_notes() {
  static const std::map<std::string, std::string> notes = {
      {"threads", "1 to " + std::to_string(kThreadsPerCore) + " x the cores this process may use"}};
  return notes;
}

const ParamSchema& early_stopping_schema() {
  static const ParamSchema schema = {
      integer("patience", 10, "stop after this many epochs without an improvement").at_least(1),
      real("min_delta", 0.0, "an improvement must lower the metric by more than this").at_least(0),
      choice("metric", {"val_loss", "train_loss"}, "val_loss", "the loss watched (val_loss needs a validation split)"),
  };
  return schema;
}

const ParamSchema& scheduler_runner_schema() {
  static const ParamSchema schema = {
      choice("step_on", {"epoch", "batch"}, "epoch",
             "when the scheduler steps: after every epoch, or after every optimizer step (as torch's OneCycleLR "
             "and warm-ups; the scheduler's counts are then steps, and metrics.csv's lr is each epoch's last "
             "step's rate). A scheduler that watches a loss (plateau) steps per epoch"),
  };
  return schema;
}

}  // namespace seqlab
