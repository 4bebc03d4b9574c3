// Live components: an experiment's plugins created, its data loaded, and the shapes between them checked.
#pragma once

#include <memory>

#include "config/experiment.hpp"
#include "host/plugin_loader.hpp"
#include "training/memory_estimate.hpp"

namespace seqlab {

// One run's objects: data loaded, model built for its shape, shapes checked.
struct Components {
  // The run's threads (training.threads), lent to the plugins. Declared first so
  // that it outlives every component that may use it.
  std::unique_ptr<ThreadPool> pool;
  Handle<Dataset> dataset;  // kept after load(): describe() and series() are asked at the end of a run
  DatasetSplits data;
  ModelShape shape;
  Handle<Model> model;
  Handle<Loss> loss;
  Handle<Optimizer> optimizer;
  Handle<Scheduler> scheduler;  // null without a `scheduler:` section
  MemoryEstimate memory;        // what the run was estimated to need before anything was made
};

// Creates the components, each plugin from its own stream of the seed, after
// checking that the run's memory estimate fits in what the process may use. A
// run too large, a dataset/model shape mismatch or a plugin's ParamError is a
// ConfigError; a plugin that throws anything else is a RunError naming it. With `units` (a finished run's
// record), the dataset reads its data in those units instead of fitting its own (eval, predict).
Components instantiate(const ResolvedExperiment& experiment, const DataDescription* units = nullptr);

}  // namespace seqlab
