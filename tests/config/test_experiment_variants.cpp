// Variants of one parsed experiment (a sweep's trials): the same settings, locations and errors as a fresh parse.
#include <doctest/doctest.h>

#include <memory>

#include "config/experiment.hpp"
#include "config/experiment_source.hpp"
#include "config/experiment_variants.hpp"
#include "support/process.hpp"

using seqlab::ConfigError;
using seqlab::ExperimentSource;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const char* const kExperiment = R"(name: variants
seed: 0
dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 5, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 2, num_layers: 1}
loss:      {plugin: mse}
optimizer:
  plugin: sgd
  lr: 0.01
training:  {epochs: 3, batch_size: 0, log_every: 1, early_stopping: {patience: 2}}
)";

// What resolving `file` with `overrides` from scratch gives: its configuration, or its error.
std::string fresh_outcome(const std::string& file, const std::vector<std::string>& overrides,
                          const seqlab::PluginRegistry& registry) {
  try {
    return seqlab::resolved_configuration(
        seqlab::resolve_experiment(std::make_shared<const ExperimentSource>(file, overrides), registry));
  } catch (const ConfigError& e) {
    return e.what();
  }
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("a variant of a parsed source has the settings and locations of a fresh parse, and leaves its base alone") {
  ScratchDir dir("variants");
  const std::string file = dir / "e.yaml";
  write_file(file, kExperiment);
  const std::vector<std::string> base_overrides = {"training.epochs=5"};
  const std::vector<std::string> more = {"optimizer.lr=0.5", "scheduler.plugin=step", "model={plugin: lstm}",
                                         "optimizer.momentum=0.9"};
  const ExperimentSource base(file, base_overrides);
  const ExperimentSource variant(base, more);
  const ExperimentSource fresh(file, joined(base_overrides, more));
  CHECK(YAML::Dump(variant.root()) == YAML::Dump(fresh.root()));
  CHECK(variant.overrides() == fresh.overrides());
  for (const std::string path :
       {"", "name", "seed", "dataset.num_samples", "model", "model.hidden_size", "optimizer", "optimizer.plugin",
        "optimizer.lr", "optimizer.momentum", "optimizer.eps", "scheduler.gamma", "training.epochs",
        "training.early_stopping.patience", "training.early_stopping.min_delta", "nothing.x"}) {
    CAPTURE(path);
    CHECK(variant.locate(path).describe() == fresh.locate(path).describe());
  }
  CHECK(base.root()["optimizer"]["lr"].Scalar() == "0.01");
  CHECK_FALSE(base.root()["optimizer"]["momentum"].IsDefined());
  CHECK(base.locate("optimizer.lr").line == 8);
}

TEST_CASE("ExperimentVariants resolves each variant as resolve_experiment would: configuration and first error") {
  ScratchDir dir("variants");
  const std::string file = dir / "e.yaml";
  write_file(file, kExperiment);
  const seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  const std::vector<std::string> base_overrides = {"training.log_every=0"};
  seqlab::ExperimentVariants variants(file, base_overrides, registry);
  const std::vector<std::vector<std::string>> cases = {
      {"seed=1"},
      {"optimizer.lr=0.1", "seed=0"},
      {"optimizer.lr=0.2", "model.hidden_size=3", "seed=2"},
      {"optimizer.plugin=adam", "optimizer.lr=0.1", "seed=0"},        // lr=0.1 again, but with another plugin
      {"optimizer.plugin=adam", "optimizer.momentum=0.9", "seed=0"},  // adam has no momentum
      {"optimizer.lr=-1", "model.hidden_size=0", "seed=0"},           // two errors: the model's is found first
      {"scheduler.plugin=step", "seed=0"},
      {"scheduler.plugin=step", "scheduler.gama=0.5", "seed=0"},
      {"training.early_stopping.patience=0", "seed=0"},
      {"modle.hidden_size=3", "seed=0"},
      {"seed.x=1"},
      {"optimizer.lr=0.1", "seed=0"},  // the second case again: its parts now come from the cache
  };
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& overrides : cases) {
      CAPTURE(pass);
      CAPTURE(overrides.front());
      std::string outcome;
      try {
        outcome = variants.configuration(overrides);
      } catch (const ConfigError& e) {
        outcome = e.what();
      }
      CHECK(outcome == fresh_outcome(file, joined(base_overrides, overrides), registry));
    }
}
