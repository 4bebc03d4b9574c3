// Memory plans: what a plugin will allocate, declared from its validated parameters before it is created.
//
// With them the runner prints a run's memory estimate (`seqlab validate`) and refuses a run that cannot fit
// in the memory the process may use, instead of letting the kernel kill it half way. A plugin class opts
// in by declaring the static member for its kind; one without it still works, and its part of the
// estimate is reported as unknown:
//
//   Dataset:   static seqlab::DataPlan plan(const seqlab::PlanArgs& args);
//   Model:     static seqlab::ModelPlan plan(const seqlab::PlanArgs& args);
//   Optimizer: static seqlab::OptimizerPlan plan(const seqlab::PlanArgs& args);
//
// Every size is a double: the product of huge settings is a huge number, never one that wrapped around
// to something small. Plans run before any object is made, so they must not allocate what they describe.
#pragma once

#include <cstddef>

#include "seqlab/model.hpp"
#include "seqlab/params.hpp"

namespace seqlab {

struct PlanArgs {
  const ParamValues& params;  // validated, defaults filled in
  ModelShape shape;           // models: sizes inferred from the dataset's plan
  std::size_t threads = 1;    // the run's threads (training.threads)
};

// The data load() will return: counts and shapes as in SequenceSet.
struct DataPlan {
  double train = 0, validation = 0;  // sequences
  double steps = 0, input_size = 0;  // inputs: (count, steps, input_size)
  double target_steps = 0, output_size = 0;
  double test = 0;  // sequences
};

// Bytes a model holds: once (`fixed_bytes`: parameters, their gradients, any copies), per cache
// (`cache_bytes`: what make_cache() allocates whatever the batch) and per sequence and step of a
// cache's batch (`bytes_per_sequence_step`: activations kept for backward, scratch). A model with a
// one-pass training step (Model::train_step) may say what a batch trained only that way holds per
// sequence and step instead (`one_pass_bytes_per_sequence_step`, when its cache allocates the rest
// on first use by forward); negative: as bytes_per_sequence_step.
struct ModelPlan {
  double parameters = 0;  // count of trainable values, as in parameters()
  double fixed_bytes = 0;
  double cache_bytes = 0;
  double bytes_per_sequence_step = 0;
  double one_pass_bytes_per_sequence_step = -1;
};

// Bytes of optimizer state per trainable value (Adam: two moments, 8).
struct OptimizerPlan {
  double bytes_per_parameter = 0;
};

}  // namespace seqlab
