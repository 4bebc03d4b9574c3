// Reloading a finished run: record, config, plugins, data in the run's units, weights.
// Tested in tests/runs/test_eval_predict.cpp, tests/runs/test_run_records.cpp
#include "runs/finished_run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "config/config_error.hpp"
#include "config/json_record.hpp"
#include "forecast/data_units.hpp"
#include "runs/npy_file.hpp"
#include "util/sha256.hpp"
#include "util/suggest.hpp"
#include "util/short_list.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// A recorded thread or process count above this is no count seqlab wrote.
constexpr std::int64_t kMaxRecordedCount = 1 << 20;

}  // namespace

[[noreturn]] void refuse(const fs::path& file, const std::string& message) {
  SourceLocation where;
  where.file = file.string();
  throw ConfigError(where, "", message);
}

JsonRecord read_run_record(const fs::path& file, const std::string& what) {
  const JsonRecord record = JsonRecord::read(file, what);
  // Every field a run's record is read for, here and wherever the record is passed on as nlohmann JSON:
  // checked once, so that a wrong type is refused naming the file and the field before anything uses it.
  (void)record.text_or("status", "");
  (void)recorded_threads(record);
  (void)record.integer_or("data_parallel_processes", 1, 1, kMaxRecordedCount);
  if (record.has("plugin_dirs"))
    for (const JsonRecord& dir : record.at("plugin_dirs").list()) (void)dir.text();
  if (record.has("plugins"))
    for (const auto& [kind, plugin] : record.at("plugins").members())
      for (const char* key : {"name", "file", "sha256"}) (void)plugin.text_or(key, "");
  return record;
}

nlohmann::json read_json(const fs::path& file, const std::string& what) { return read_run_record(file, what).json(); }

int recorded_threads(const JsonRecord& record) {
  return static_cast<int>(record.integer_or("threads", 1, 1, kMaxRecordedCount));
}

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) { return fmt::format("({})", fmt::join(shape, ", ")); }

// A ConfigError's message without the location and path what() puts before it.
std::string message_of(const ConfigError& e) {
  const std::string prefix = e.where().describe() + ": error: " + (e.path().empty() ? "" : e.path() + ": ");
  const std::string text = e.what();
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

// data_units.json against the run's own config.yaml, which records the model's inferred input and output
// sizes: a record of other columns, or another horizon, is refused naming the record rather than the data.
void check_units_fit(const DataDescription& units, const JsonRecord& record, const ResolvedExperiment& e) {
  const std::int64_t inputs = e.model.params.integer("input_size");
  const std::int64_t outputs = e.model.params.integer("output_size");
  if (!units.inputs.empty() && inputs > 0 && units.inputs.size() != static_cast<std::size_t>(inputs))
    record.fail("inputs", fmt::format("names {} input feature(s), but the run's model (config.yaml model.input_size) "
                                      "takes {}",
                                      units.inputs.size(), inputs));
  const std::size_t horizon = std::max<std::size_t>(1, units.horizon);
  if (!units.targets.empty() && outputs > 0 && units.targets.size() * horizon != static_cast<std::size_t>(outputs))
    record.fail(horizon > 1 ? "horizon" : "targets",
                fmt::format("{} target(s) x horizon {} is {} output(s), but the run's model (config.yaml "
                            "model.output_size) gives {}",
                            units.targets.size(), horizon, units.targets.size() * horizon, outputs));
}

}  // namespace

namespace {

std::optional<PluginKind> kind_of_recorded_section(const std::string& section) {
  for (const PluginKind kind :
       {PluginKind::dataset, PluginKind::model, PluginKind::loss, PluginKind::optimizer, PluginKind::scheduler})
    if (section == kind_name(kind)) return kind;
  return std::nullopt;
}

// `entry[key]` when it is text, else "" (read_json has refused a record whose fields have other types).
std::string recorded_text(const nlohmann::json& entry, const char* key) {
  const auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

PluginCheck recorded_plugins_check(const nlohmann::json& record, const fs::path& record_file,
                                   const CommonOptions& common) {
  return [record, record_file, allow_mismatch = common.allow_plugin_mismatch](const PluginRegistry& registry) {
    const auto plugins = record.find("plugins");
    if (plugins == record.end() || !plugins->is_object()) return;  // an older record: nothing to compare
    const std::string record_name = record_file.filename().string();
    for (const auto& [section, entry] : plugins->items()) {
      const std::optional<PluginKind> kind = kind_of_recorded_section(section);
      const std::string name = entry.is_object() ? recorded_text(entry, "name") : "";
      if (!kind || name.empty()) continue;  // config.yaml, resolved next, decides what is used
      const std::string what = section + " plugin '" + printable(name) + "'";
      // Where the run found it, as text for the user to judge; never searched.
      const std::string folder = printable(fs::path(recorded_text(entry, "file")).parent_path().string(), 1024);
      const std::string add = "add the folder that holds it with --plugin-dir DIR" +
                              (folder.empty() ? std::string() : " (the run found it in " + folder + ")");
      const LoadedPlugin* found = registry.find(*kind, name);
      if (found == nullptr)
        refuse(record_file, "the run used the " + what + ", which is not in the plugin search path (" +
                                (registry.folders().empty() ? "no folders" : join(registry.folders())) + "); " + add +
                                ". seqlab never loads a plugin from a place a run folder names");
      const std::string recorded_sha256 = recorded_text(entry, "sha256");
      if (recorded_sha256.empty() || sha256_of_file(found->file) == recorded_sha256) continue;
      const std::string differs =
          what + " (" + found->file + ") is not the build the run used (its sha256 differs from " + record_name + "'s)";
      // The same path: the file was rebuilt or replaced since the run.
      const std::string how_to_fix = recorded_text(entry, "file") == found->file
                                         ? "the file changed since the run (rebuilt?); to use the build the run "
                                           "used, put it in a folder and add it with --plugin-dir DIR"
                                         : "to use the build the run used, " + add;
      if (!allow_mismatch)
        refuse(record_file, differs + "; " + how_to_fix +
                                ", or pass --allow-plugin-mismatch to go on with this one (results may differ)");
      std::cerr << "warning: " << differs << "; going on (--allow-plugin-mismatch): results may differ\n";
    }
  };
}

std::vector<std::string> read_weights(const fs::path& weights_dir, std::vector<Parameter>& parameters) {
  std::vector<std::string> problems;
  for (auto& p : parameters) {
    const fs::path file = weights_dir / (p.name + ".npy");
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec))) {
      problems.push_back(p.name + ": no " + file.filename().string());
      continue;
    }
    try {
      // The header first: a file of another shape is refused before its data is read.
      NpyFile npy(file.string());
      if (npy.shape() != p.shape) {
        problems.push_back(fmt::format("{}: the file has shape {}, the model needs {}", p.name, shape_text(npy.shape()),
                                       shape_text(p.shape)));
        continue;
      }
      const std::vector<float> values = npy.read_data();
      // Non-finite weights make every prediction NaN: refused here rather than reported as "RMSE nan".
      const auto bad = std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
      if (bad != values.end()) {
        problems.push_back(
            fmt::format("{}: {} holds {} at index {} (of {}); weights must be finite (the run that "
                        "wrote them diverged, or the file is damaged)",
                        p.name, file.string(), std::isnan(*bad) ? "NaN" : "an infinite value", bad - values.begin(),
                        values.size()));
        continue;
      }
      std::copy(values.begin(), values.end(), p.value.begin());
    } catch (const std::exception& e) {
      problems.push_back(p.name + ": " + e.what());
    }
  }
  // A weight the model has no parameter for is a mismatch too (another architecture, a renamed layer).
  std::set<std::string> names;
  for (const auto& p : parameters) names.insert(p.name + ".npy");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(weights_dir, ec))
    if (entry.path().extension() == ".npy" && !names.count(entry.path().filename().string()))
      problems.push_back(entry.path().filename().string() + ": the model has no parameter " +
                         entry.path().stem().string());
  return problems;
}

void load_weights(const fs::path& weights_dir, std::vector<Parameter>& parameters) {
  const std::vector<std::string> problems = read_weights(weights_dir, parameters);
  if (!problems.empty())
    refuse(weights_dir, fmt::format("the weights do not fit the model ({} problem(s)):\n  {}", problems.size(),
                                    short_list(problems, "\n  ")));
}

FinishedRun reload_finished_run(const std::string& dir, std::vector<std::string> overrides,
                                const CommonOptions& common) {
  FinishedRun run;
  run.dir = dir;
  const std::string not_a_run = "give a folder that `seqlab run` finished (it has summary.json with status completed)";
  if (!fs::is_directory(run.dir)) refuse(run.dir, "not a folder; " + not_a_run);
  const JsonRecord summary = read_run_record(run.dir / "summary.json", not_a_run);
  run.summary = summary.json();
  if (summary.text_or("status", "") != "completed")
    refuse(run.dir / "summary.json", "the run did not complete (status " +
                                         printable(summary.text_or("status", "unknown")) +
                                         "), so it has no trained weights to use");

  // The recorded thread count keeps the numbers the run's; the user's overrides come after it and win.
  overrides.insert(overrides.begin(), "training.threads=" + std::to_string(recorded_threads(summary)));
  // Plugins from the user's search path only (the run folder is data), checked against the run's record.
  run.loaded =
      load_experiment((run.dir / "config.yaml").string(), overrides, common.plugin_dirs, ExperimentOrigin::run_folder,
                      recorded_plugins_check(run.summary, run.dir / "summary.json", common));
  const ResolvedExperiment& e = run.loaded.experiment;

  const fs::path units_file = run.dir / "data_units.json";
  DataDescription units;
  std::error_code ec;
  const bool has_units = fs::exists(fs::symlink_status(units_file, ec));
  if (has_units) {
    const JsonRecord record = JsonRecord::read(units_file, "the run's record of its data's units");
    units = description_from_json(record);
    check_units_fit(units, record, e);
  } else {
    std::cerr << "warning: " << units_file.string()
              << " is missing (a run from an older seqlab): the data's units are fitted afresh\n";
  }
  try {
    run.components = instantiate(e, has_units ? &units : nullptr);
  } catch (const ConfigError& err) {
    // The dataset compares its columns with the recorded ones: say where those come from.
    if (!has_units || err.path().rfind("dataset", 0) != 0) throw;
    throw ConfigError(err.where(), err.path(),
                      message_of(err) + " (the names, units and horizon the model was trained with are those in " +
                          units_file.string() + ")");
  }
  load_weights(run.dir / "weights", run.components.model->parameters());
  return run;
}

}  // namespace seqlab
