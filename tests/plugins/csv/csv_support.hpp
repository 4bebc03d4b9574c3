// Helpers for the csv dataset's tests: the plugin loaded through the real loader, CSV files in scratch folders,
// and a small experiment around a data file for `seqlab run`.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>

#include "host/plugin_loader.hpp"
#include "support/process.hpp"

namespace seqlab::test::csv {

inline const LoadedPlugin& csv_plugin() {
  static const PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  return registry.get(PluginKind::dataset, "csv");
}

using Settings = std::map<std::string, ParamValue>;
inline ParamValue integer(std::int64_t v) { return v; }
inline ParamValue names(std::vector<std::string> v) { return v; }

// The dataset made from `path` with the defaults and `settings`, as the runner would make it (every key must be
// one the plugin declares; values are taken as given).
inline Handle<Dataset> make_dataset(const std::string& path, const Settings& settings = {}) {
  std::map<std::string, ParamValue> values = {{"path", path}};  // the one required parameter
  for (const ParamSpec& spec : csv_plugin().info->meta.params)
    if (spec.default_value) values[spec.name] = *spec.default_value;
  for (const auto& [key, value] : settings) {
    REQUIRE_MESSAGE(values.count(key), "the csv plugin declares no parameter '" << key << "'");
    values[key] = value;
  }
  const ParamValues params(values);
  Random random(0);
  return create_dataset(csv_plugin(), {params, random, {}});
}

struct Loaded {
  Handle<Dataset> dataset;
  DatasetSplits splits;
};

inline Loaded load(const std::string& path, const Settings& settings = {}) {
  Loaded loaded{make_dataset(path, settings), {}};
  loaded.splits = loaded.dataset->load();
  return loaded;
}

// The message of the ParamError that loading throws, and its parameter.
struct Refusal {
  std::string param, message;
};
inline Refusal refusal(const std::string& path, const Settings& settings = {}) {
  try {
    load(path, settings);
  } catch (const ParamError& e) {
    return {e.param(), e.what()};
  }
  FAIL("loading " << path << " was not refused");
  return {};
}

// A small experiment training an RNN on the csv dataset with `dataset_settings` (YAML flow-map entries).
inline std::string experiment_yaml(const std::string& dataset_settings, int epochs = 2) {
  return "name: csv_small\nseed: 0\n"
         "dataset:   {plugin: csv, " +
         dataset_settings +
         "}\n"
         "model:     {plugin: rnn, hidden_size: 4, num_layers: 1}\n"
         "loss:      {plugin: mse}\n"
         "optimizer: {plugin: sgd, lr: 0.01, momentum: 0.9}\n"
         "training:  {epochs: " +
         std::to_string(epochs) + ", batch_size: 0, log_every: 1}\n";
}

// A file of `rows` rows: "t,a,b" then t = r, a = r, b = 100 + r.
inline std::string counting_csv(int rows) {
  std::string text = "t,a,b\n";
  for (int r = 0; r < rows; ++r)
    text += std::to_string(r) + "," + std::to_string(r) + "," + std::to_string(100 + r) + "\n";
  return text;
}

}  // namespace seqlab::test::csv
