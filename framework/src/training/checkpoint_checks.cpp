// Checks of a decoded checkpoint against the experiment: settings, weights, the row order, plugin states.
// Tested in tests/training/test_checkpoint_hostile.cpp
#include "training/checkpoint_checks.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

#include "config/param_validation.hpp"
#include "training/checkpoint_codec.hpp"
#include "util/short_list.hpp"

namespace seqlab {

std::vector<std::pair<std::string, std::string>> experiment_identity(const ResolvedExperiment& e,
                                                                     const ModelShape& shape) {
  std::vector<std::pair<std::string, std::string>> settings = {{"seed", std::to_string(e.seed)}};
  auto add = [&](const std::string& section, const ParamValues& params) {
    for (const auto& [name, value] : params.all()) {
      if (section == "training" && name == "epochs") continue;  // resume --epochs changes it
      std::string text = format_value(value);
      if (section == "model" && name == "input_size") text = std::to_string(shape.input_size);
      if (section == "model" && name == "output_size") text = std::to_string(shape.output_size);
      settings.emplace_back(section + "." + name, std::move(text));
    }
  };
  std::vector<const ComponentConfig*> components = {&e.dataset, &e.model, &e.loss, &e.optimizer};
  if (e.scheduler) components.push_back(&*e.scheduler);
  for (const ComponentConfig* c : components) {
    settings.emplace_back(c->section + ".plugin", c->plugin->name());
    add(c->section, c->params);
  }
  // step_on: epoch, the only way of stepping before the key existed, stays out: checkpoints written before it
  // still resume, and those of epoch-stepped runs keep their bytes.
  if (e.scheduler && e.scheduling.step_on == StepOn::batch) settings.emplace_back("scheduler.step_on", "batch");
  add("training", e.training_params);
  if (e.early_stopping_params) add("training.early_stopping", *e.early_stopping_params);
  std::sort(settings.begin(), settings.end());
  return settings;
}

void check_same_experiment(const std::vector<std::pair<std::string, std::string>>& checkpoint,
                           const std::vector<std::pair<std::string, std::string>>& here) {
  // The checkpoint's list is someone else's: neither sorted nor free of repeats is taken for granted.
  const std::map<std::string, std::string> saved(checkpoint.begin(), checkpoint.end());
  const std::map<std::string, std::string> now(here.begin(), here.end());
  std::set<std::string> paths;
  for (const auto& [path, value] : saved) paths.insert(path);
  for (const auto& [path, value] : now) paths.insert(path);
  auto value_of = [](const std::map<std::string, std::string>& settings, const std::string& path) {
    const auto at = settings.find(path);
    return at == settings.end() ? std::string("unset") : "'" + printable(at->second) + "'";
  };
  auto section_of = [](const std::string& path) { return path.substr(0, path.rfind('.')); };
  auto names_plugin = [](const std::string& path) {
    return path.size() > 7 && path.compare(path.size() - 7, 7, ".plugin") == 0;
  };
  // Another plugin in a section makes its other settings incomparable: the plugin is named, they are not.
  std::set<std::string> other_plugin;
  for (const std::string& path : paths)
    if (names_plugin(path) && value_of(saved, path) != value_of(now, path)) other_plugin.insert(section_of(path));
  std::vector<std::string> plugins, settings;
  for (const std::string& path : paths) {
    const std::string was = value_of(saved, path), is = value_of(now, path);
    if (was == is) continue;
    const bool is_plugin = other_plugin.count(section_of(path)) && names_plugin(path);
    if (!is_plugin && other_plugin.count(section_of(path))) continue;
    (is_plugin ? plugins : settings)
        .push_back(fmt::format("{} ({} in the checkpoint, {} here)", printable(path), was, is));
  }
  plugins.insert(plugins.end(), settings.begin(), settings.end());
  if (!plugins.empty())
    throw CheckpointError(fmt::format("it was written by another experiment: {} setting(s) differ{}: {}",
                                      plugins.size(), other_plugin.empty() ? "" : " (a plugin's own settings aside)",
                                      short_list(plugins, "; ")));
}

void check_weights_fit(const std::vector<std::vector<float>>& weights, const std::vector<Parameter>& parameters,
                       const std::string& what) {
  if (weights.size() != parameters.size())
    throw CheckpointError(
        fmt::format("its {} hold {} parameters, the model has {}", what, weights.size(), parameters.size()));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].size() != parameters[i].size())
      throw CheckpointError(fmt::format("its {} has {} values, the model's {}",
                                        what == "weights" ? parameters[i].name : what + " " + parameters[i].name,
                                        weights[i].size(), parameters[i].size()));
    const auto bad = std::find_if(weights[i].begin(), weights[i].end(), [](float v) { return !std::isfinite(v); });
    if (bad != weights[i].end())
      throw CheckpointError(fmt::format(
          "its {} {} holds {} at index {}: weights are finite in every checkpoint "
          "training writes",
          what, parameters[i].name, std::isnan(*bad) ? "NaN" : "an infinite value", bad - weights[i].begin()));
  }
}

void check_order(const std::vector<std::uint64_t>& order, std::size_t rows) {
  if (order.size() != rows)
    throw CheckpointError(fmt::format("it trained on {} sequences, the data has {}", order.size(), rows));
  std::vector<bool> seen(rows, false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] >= rows)
      throw CheckpointError(
          fmt::format("its order[{}] is {}, but the training set's rows are numbered 0 to {}", i, order[i], rows - 1));
    if (seen[order[i]])
      throw CheckpointError(
          fmt::format("its order[{}] repeats row {}: the order is a permutation of the rows", i, order[i]));
    seen[order[i]] = true;
  }
}

void check_state_fits(const PluginState& saved, const PluginState& fresh, const std::string& what, bool empty_ok) {
  if (saved.empty() && empty_ok) return;
  if (saved.size() != fresh.size())
    throw CheckpointError(fmt::format("its {} state has {} entries, where this experiment's {} keeps {}", what,
                                      saved.size(), what, fresh.size()));
  for (std::size_t i = 0; i < saved.size(); ++i)
    if (saved[i].name != fresh[i].name || saved[i].values.size() != fresh[i].values.size())
      throw CheckpointError(
          fmt::format("its {} state's entry {} is '{}' of {} value(s), where this experiment's {} "
                      "keeps '{}' of {}",
                      what, i, printable(saved[i].name), saved[i].values.size(), what, printable(fresh[i].name),
                      fresh[i].values.size()));
}

}  // namespace seqlab
