// Reloading a finished run: record, config, plugins, data in the run's units, weights.
#include "runs/finished_run.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "config/config_error.hpp"
#include "forecast/data_units.hpp"
#include "runs/npy.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace seqlab {

[[noreturn]] void refuse(const fs::path& file, const std::string& message) {
  SourceLocation where;
  where.file = file.string();
  throw ConfigError(where, "", message);
}

nlohmann::json read_json(const fs::path& file, const std::string& what) {
  std::ifstream in(file);
  if (!in) refuse(file, "cannot read it: " + what);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    refuse(file, std::string("is not valid JSON (") + e.what() + "): " + what);
  }
}

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) { return fmt::format("({})", fmt::join(shape, ", ")); }

}  // namespace

std::vector<std::string> recorded_plugin_dirs(const nlohmann::json& summary) {
  std::vector<std::string> dirs;
  const nlohmann::json plugins = summary.value("plugins", nlohmann::json::object());
  for (const auto& [kind, plugin] : plugins.items())
    if (fs::exists(plugin.value("file", ""))) dirs.push_back(fs::path(plugin["file"]).parent_path().string());
  for (const auto& dir : summary.value("plugin_dirs", std::vector<std::string>{})) dirs.push_back(dir);
  return dirs;
}

void warn_about_changed_plugins(const ResolvedExperiment& e, const nlohmann::json& record,
                                const std::string& record_name) {
  std::vector<const ComponentConfig*> components = {&e.dataset, &e.model, &e.loss, &e.optimizer};
  if (e.scheduler) components.push_back(&*e.scheduler);
  for (const ComponentConfig* c : components) {
    const std::string recorded = record.value("plugins", nlohmann::json::object())
                                     .value(c->section, nlohmann::json::object())
                                     .value("sha256", "");
    if (!recorded.empty() && sha256_of_file(c->plugin->file) != recorded)
      std::cerr << "warning: " << c->section << " plugin '" << c->plugin->name() << "' (" << c->plugin->file
                << ") is not the build the run used (its sha256 differs from " << record_name
                << "'s); results may differ\n";
  }
}

std::vector<std::string> read_weights(const fs::path& weights_dir, std::vector<Parameter>& parameters) {
  std::vector<std::string> problems;
  for (auto& p : parameters) {
    const fs::path file = weights_dir / (p.name + ".npy");
    if (!fs::exists(file)) {
      problems.push_back(p.name + ": no " + file.filename().string());
      continue;
    }
    try {
      NpyArray array = read_npy(file.string());
      if (array.shape != p.shape) {
        problems.push_back(fmt::format("{}: the file has shape {}, the model needs {}", p.name, shape_text(array.shape),
                                       shape_text(p.shape)));
        continue;
      }
      std::copy(array.data.begin(), array.data.end(), p.value.begin());
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
                                    fmt::join(problems, "\n  ")));
}

FinishedRun reload_finished_run(const std::string& dir, std::vector<std::string> overrides,
                                const CommonOptions& common) {
  FinishedRun run;
  run.dir = dir;
  const std::string not_a_run = "give a folder that `seqlab run` finished (it has summary.json with status completed)";
  if (!fs::is_directory(run.dir)) refuse(run.dir, "not a folder; " + not_a_run);
  run.summary = read_json(run.dir / "summary.json", not_a_run);
  if (run.summary.value("status", "") != "completed")
    refuse(run.dir / "summary.json", "the run did not complete (status " +
                                         run.summary.value("status", std::string("unknown")) +
                                         "), so it has no trained weights to use");

  std::vector<std::string> plugin_dirs = common.plugin_dirs;
  for (const auto& d : recorded_plugin_dirs(run.summary)) plugin_dirs.push_back(d);
  // The recorded thread count keeps the numbers the run's; the user's overrides come after it and win.
  overrides.insert(overrides.begin(), "training.threads=" + std::to_string(run.summary.value("threads", 1)));
  run.loaded = load_experiment((run.dir / "config.yaml").string(), overrides, plugin_dirs);
  const ResolvedExperiment& e = run.loaded.experiment;

  warn_about_changed_plugins(e, run.summary, "summary.json");

  const fs::path units_file = run.dir / "data_units.json";
  DataDescription units;
  const bool has_units = fs::exists(units_file);
  if (has_units) {
    try {
      units = description_from_json(read_json(units_file, "the run's record of its data's units"));
    } catch (const std::runtime_error& e) {
      refuse(units_file, e.what());
    }
  } else {
    std::cerr << "warning: " << units_file.string()
              << " is missing (a run from an older seqlab): the data's units are fitted afresh\n";
  }
  run.components = instantiate(e, has_units ? &units : nullptr);
  load_weights(run.dir / "weights", run.components.model->parameters());
  return run;
}

}  // namespace seqlab
