// A finished run brought back to life for `seqlab eval` and `seqlab predict`: its resolved experiment, the
// plugins it used, its data read in its units, and its trained weights.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "config/json_record.hpp"
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

// A run's record (summary.json, plugins.json) read as data (config/json_record.hpp): a missing, unreadable or
// malformed file is refused saying what it should be (`what`), and so is a field seqlab reads from it (status,
// threads, data_parallel_processes, plugins.*.name/file/sha256, plugin_dirs) of the wrong type, naming the
// file and the field. read_json: the same, as nlohmann JSON whose fields may then be read with .value().
JsonRecord read_run_record(const std::filesystem::path& file, const std::string& what);
nlohmann::json read_json(const std::filesystem::path& file, const std::string& what);
// The record's thread count (1 when it has none), from 1 to 2^20.
int recorded_threads(const JsonRecord& record);

// The check load_experiment makes, for a command that reads a run folder, of the plugins its record
// (summary.json or plugins.json: `record_file`) names. A run folder is data: the plugins are looked for
// by name in the search path the user trusts (--plugin-dir, SEQLAB_PLUGIN_PATH, seqlab's own folder),
// never in a folder or file the record names. Each recorded plugin must be found there, with the sha256
// the record holds: a missing one is refused naming it and the --plugin-dir to add (the recorded folder
// as a suggestion), a different build too unless `common.allow_plugin_mismatch`, which warns instead.
PluginCheck recorded_plugins_check(const nlohmann::json& record, const std::filesystem::path& record_file,
                                   const CommonOptions& common);

// Reloads the run in `dir`. The overrides apply on top of its config.yaml (training.threads is the recorded
// thread count unless they say otherwise); its plugins must pass recorded_plugins_check against summary.json.
// A folder that is not a completed run, or weights that do not fit the model (every mismatch listed), is a
// ConfigError.
FinishedRun reload_finished_run(const std::string& dir, std::vector<std::string> overrides,
                                const CommonOptions& common);

// Reads <weights_dir>/<name>.npy into each parameter that has a fitting file; returns every problem: a missing
// file, a wrong shape, an unreadable file, a file for a parameter the model does not have.
std::vector<std::string> read_weights(const std::filesystem::path& weights_dir, std::vector<Parameter>& parameters);
// read_weights, with every problem listed in one ConfigError at the folder.
void load_weights(const std::filesystem::path& weights_dir, std::vector<Parameter>& parameters);

}  // namespace seqlab
