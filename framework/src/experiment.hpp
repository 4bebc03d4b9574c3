// Turning an experiment source into validated settings, then into live components with checked shapes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "experiment_source.hpp"
#include "plugin_loader.hpp"
#include "seqlab/params.hpp"

namespace seqlab {

// One plugin section (dataset, model, loss, optimizer) after validation.
struct ComponentConfig {
  std::string section;  // "model"
  const LoadedPlugin* plugin = nullptr;
  ParamValues params;  // the plugin's parameters, defaults filled in
};

// Everything an experiment says, validated against the plugins' schemas.
struct ResolvedExperiment {
  std::shared_ptr<const ExperimentSource> source;
  std::string name;
  std::uint64_t seed = 0;
  ComponentConfig dataset, model, loss, optimizer;
  ParamValues training;
  std::vector<std::string> plugin_dirs;  // added by the experiment file, absolute
};

// The plugin folders the experiment itself adds (`plugin_dirs:`), absolute. An
// experiment may only name folders below its own, relative to it: a shared
// experiment file cannot make seqlab run code from elsewhere.
std::vector<std::string> experiment_plugin_dirs(const ExperimentSource& source);

// Validates every section; throws ConfigError pointing at the first problem.
ResolvedExperiment resolve_experiment(std::shared_ptr<const ExperimentSource> source, const PluginRegistry& registry);

// Live components: data loaded, model built for its shape, shapes checked.
struct Components {
  // The run's threads (training.threads), lent to the plugins. Declared first so
  // that it outlives every component that may use it.
  std::unique_ptr<ThreadPool> pool;
  DatasetSplits data;
  ModelShape shape;
  Handle<Model> model;
  Handle<Loss> loss;
  Handle<Optimizer> optimizer;
};

// Creates the components, each plugin from its own stream of the seed. A
// dataset/model shape mismatch or a plugin's ParamError is a ConfigError; a
// plugin that throws anything else is a RunError naming it.
Components instantiate(const ResolvedExperiment& experiment);

// The resolved experiment as YAML, every default filled in: runnable as is.
std::string resolved_yaml(const ResolvedExperiment& experiment);
// Its YAML body alone (resolved_yaml without the comment header naming the source
// file and overrides): equal for two experiments exactly when they train the same.
std::string resolved_configuration(const ResolvedExperiment& experiment);

}  // namespace seqlab
