// A finished run brought back to life for `seqlab eval` and `seqlab predict`: its resolved experiment, the
// plugins it used, its data read in its units, and its trained weights.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "runs/run_options.hpp"
#include "training/components.hpp"

namespace seqlab {

struct FinishedRun {
  std::filesystem::path dir;
  nlohmann::json summary;
  LoadedExperiment loaded;  // RUN_DIR/config.yaml with the overrides given
  Components components;    // data read in the run's units (data_units.json), the run's weights loaded
};

// A ConfigError at `file` (a run folder's file or the folder): what `eval`, `predict` and `resume` refuse with.
[[noreturn]] void refuse(const std::filesystem::path& file, const std::string& message);

// `file` parsed as JSON; a missing or malformed one is refused, saying what the file should be (`what`).
nlohmann::json read_json(const std::filesystem::path& file, const std::string& what);

// The plugin folders a run's summary.json records: where each plugin was found, then those the experiment
// added. `seqlab reproduce` starts from them too.
std::vector<std::string> recorded_plugin_dirs(const nlohmann::json& summary);

// Warns on stderr for each plugin whose file's sha256 differs from the one `record` (summary.json or
// plugins.json, named `record_name` in the message) holds for its section.
void warn_about_changed_plugins(const ResolvedExperiment& e, const nlohmann::json& record,
                                const std::string& record_name);

// Reloads the run in `dir`. The overrides apply on top of its config.yaml (training.threads is the recorded
// thread count unless they say otherwise). Warns on stderr when a plugin's sha256 differs from the one the run
// recorded. A folder that is not a completed run, or weights that do not fit the model (every mismatch
// listed), is a ConfigError.
FinishedRun reload_finished_run(const std::string& dir, std::vector<std::string> overrides,
                                const CommonOptions& common);

// Reads <weights_dir>/<name>.npy into each parameter that has a fitting file; returns every problem: a missing
// file, a wrong shape, an unreadable file, a file for a parameter the model does not have.
std::vector<std::string> read_weights(const std::filesystem::path& weights_dir, std::vector<Parameter>& parameters);
// read_weights, with every problem listed in one ConfigError at the folder.
void load_weights(const std::filesystem::path& weights_dir, std::vector<Parameter>& parameters);

}  // namespace seqlab
