// Turning an experiment source into validated settings, then into live components with checked shapes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/experiment_source.hpp"
#include "config/training_settings.hpp"
#include "host/plugin_loader.hpp"
#include "seqlab/params.hpp"

namespace seqlab {

// One plugin section (dataset, model, loss, optimizer, scheduler) after validation.
struct ComponentConfig {
  std::string section;  // "model"
  const LoadedPlugin* plugin = nullptr;
  ParamValues params;  // the plugin's parameters, defaults filled in
  // The runner's own keys in the section besides `plugin`, validated (scheduler: step_on); empty for the others.
  ParamValues runner_params;
};

// Who chose an experiment file, which decides whether it may name plugin folders (code).
enum class ExperimentOrigin {
  user_file,   // one the user runs (`run`, `sweep`, `validate`): its `plugin_dirs` are searched
  run_folder,  // a run folder's config.yaml (`eval`, `predict`, `resume`, `reproduce`): data, never code;
               // its `plugin_dirs` are not followed (a warning says so)
};

// Everything an experiment says, validated against the plugins' schemas.
struct ResolvedExperiment {
  std::shared_ptr<const ExperimentSource> source;
  std::string name;
  std::uint64_t seed = 0;
  ComponentConfig dataset, model, loss, optimizer;
  std::optional<ComponentConfig> scheduler;  // the optional `scheduler:` section
  SchedulerSettings scheduling;              // its runner keys, typed (step_on); the defaults without one
  TrainingSettings training;  // the `training:` section with its early_stopping, typed: what the runner reads
  // The same sections as validated key/values, for the records that list them: config.yaml and the checkpoint's
  // experiment identity. Read no setting from them: `training` holds each.
  ParamValues training_params;
  std::optional<ParamValues> early_stopping_params;       // the optional `training.early_stopping:` map
  std::vector<std::string> plugin_dirs;                   // added by the experiment file, absolute
  ExperimentOrigin origin = ExperimentOrigin::user_file;  // run_folder: plugin_dirs stays empty
};

// The plugin folders the experiment itself adds (`plugin_dirs:`), absolute. An
// experiment may only name folders below its own, relative to it: a shared
// experiment file cannot make seqlab run code from elsewhere.
std::vector<std::string> experiment_plugin_dirs(const ExperimentSource& source);

// Validates every section; throws ConfigError pointing at the first problem.
ResolvedExperiment resolve_experiment(std::shared_ptr<const ExperimentSource> source, const PluginRegistry& registry,
                                      ExperimentOrigin origin = ExperimentOrigin::user_file);

// resolve_experiment in parts, for a caller that resolves many variants of one experiment (a sweep's
// trials) and reuses a part that the variant's overrides leave alone. Each part reads only its own
// settings: top the top-level keys (name, seed, plugin_dirs), training its early_stopping too.
enum class ExperimentPart { top, dataset, model, loss, optimizer, scheduler, training };
// In the order resolve_experiment checks them, so the first error is the same either way.
inline constexpr ExperimentPart kExperimentParts[] = {
    ExperimentPart::top,       ExperimentPart::dataset,   ExperimentPart::model,   ExperimentPart::loss,
    ExperimentPart::optimizer, ExperimentPart::scheduler, ExperimentPart::training};
// The part that reads the setting at `path`: "optimizer.lr" optimizer, "training.early_stopping.patience"
// training, "seed" (and a key that is no section, which only top can refuse) top.
ExperimentPart experiment_part_of(const std::string& path);
// Validates `part` of `source` into `experiment` (scheduler: reset when the source has none); throws
// ConfigError as resolve_experiment would. `experiment.source` is left alone.
void resolve_experiment_part(ExperimentPart part, const ExperimentSource& source, const PluginRegistry& registry,
                             ResolvedExperiment& experiment);

// An experiment file read with its overrides, its plugins found and every section validated.
struct LoadedExperiment {
  std::unique_ptr<PluginRegistry> registry;  // owns the plugins `experiment` points into
  ResolvedExperiment experiment;
};

// Called with the plugins found, before the experiment is resolved: how a command that reads a run folder
// checks the plugins the run recorded (by name and sha256) before its config.yaml names them.
using PluginCheck = std::function<void(const PluginRegistry&)>;

// What `run`, `validate` and `sweep` do before anything else: parses `file` with
// `overrides`, loads the plugins of `plugin_dirs` (the user's: --plugin-dir) followed
// by the folders the experiment adds itself (a user_file only), calls `check_plugins`
// if given, and resolves it. Throws ConfigError or PluginLoadError.
LoadedExperiment load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                                 const std::vector<std::string>& plugin_dirs,
                                 ExperimentOrigin origin = ExperimentOrigin::user_file,
                                 const PluginCheck& check_plugins = nullptr);

// The resolved experiment as YAML, every default filled in: runnable as is. With `inferred` (the
// shape the data gave), the model's input_size and output_size are written as inferred, not 0.
std::string resolved_yaml(const ResolvedExperiment& experiment, const ModelShape* inferred = nullptr);
// Its YAML body alone (resolved_yaml without the comment header naming the source
// file and overrides): equal for two experiments exactly when they train the same.
std::string resolved_configuration(const ResolvedExperiment& experiment);
// resolved_configuration in parts: `part`'s lines of it, and the whole from every part's lines in
// kExperimentParts order. A caller that keeps the text of the parts a variant shares need not emit it again.
std::string configuration_part(ExperimentPart part, const ResolvedExperiment& experiment);
std::string join_configuration_parts(const std::vector<std::string>& parts);

}  // namespace seqlab
