// TrainingSettings: the `training:` section (and its early_stopping) read once into typed fields.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "config/experiment_source.hpp"
#include "config/training_settings.hpp"
#include "support/process.hpp"

using seqlab::KeepWeights;
using seqlab::TrainingSettings;
using seqlab::WatchedLoss;

namespace {

// The experiment's training part resolved as `seqlab run` resolves it, from a file without a training
// section (every value the schema's default) and `overrides`.
seqlab::ResolvedExperiment resolved_training(const std::vector<std::string>& overrides) {
  static const seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  seqlab::test::ScratchDir dir("training-settings");
  const std::string file = dir / "e.yaml";
  seqlab::test::write_file(file, "name: settings\nseed: 0\n");
  const seqlab::ExperimentSource source(file, overrides);
  seqlab::ResolvedExperiment experiment;
  seqlab::resolve_experiment_part(seqlab::ExperimentPart::training, source, registry, experiment);
  return experiment;
}

TrainingSettings settings_of(const std::vector<std::string>& overrides) {
  return resolved_training(overrides).training;
}

// Every field of `s` against `want`, one check per field so that a failure names it.
void check_fields(const TrainingSettings& s, const TrainingSettings& want) {
  CHECK(s.epochs == want.epochs);
  CHECK(s.batch_size == want.batch_size);
  CHECK(s.shuffle == want.shuffle);
  CHECK(s.log_every == want.log_every);
  CHECK(s.threads == want.threads);
  CHECK(s.clip_grad_norm == want.clip_grad_norm);
  CHECK(s.keep == want.keep);
  CHECK(s.validate_every == want.validate_every);
  CHECK(s.checkpoint_every == want.checkpoint_every);
  CHECK(s.early_stopping.has_value() == want.early_stopping.has_value());
}

}  // namespace

TEST_CASE("training settings: an experiment without a training section has the schema's defaults") {
  // epochs, batch_size, shuffle, log_every, threads, clip_grad_norm, keep, validate_every, checkpoint_every
  const TrainingSettings want{100, 0, true, 10, 1, 0.0, KeepWeights::automatic, 1, 0, std::nullopt};
  const TrainingSettings s = settings_of({});
  check_fields(s, want);
  CHECK_FALSE(s.keeps_best());
}

TEST_CASE("training settings: each field is read from its own key") {
  const seqlab::ResolvedExperiment e =
      resolved_training({"training.epochs=7", "training.batch_size=3", "training.shuffle=false", "training.log_every=2",
                         "training.threads=2", "training.clip_grad_norm=0.5", "training.keep=last",
                         "training.validate_every=4", "training.checkpoint_every=5"});
  const TrainingSettings want{7, 3, false, 2, 2, 0.5, KeepWeights::last, 4, 5, std::nullopt};  // in that order too
  check_fields(e.training, want);
  // The key/value list the records write stays beside the typed fields, with the same values.
  CHECK(e.training_params.integer("epochs") == 7);
  CHECK(e.training_params.text("keep") == "last");
  CHECK_FALSE(e.early_stopping_params.has_value());
}

TEST_CASE("training settings: keep resolves auto to best with early stopping and to last without") {
  struct Case {
    const char* keep;
    bool early_stopping;
    KeepWeights parsed;
    bool keeps_best;
  };
  for (const Case& c :
       {Case{"auto", false, KeepWeights::automatic, false}, Case{"auto", true, KeepWeights::automatic, true},
        Case{"best", false, KeepWeights::best, true}, Case{"best", true, KeepWeights::best, true},
        Case{"last", false, KeepWeights::last, false}, Case{"last", true, KeepWeights::last, false}}) {
    CAPTURE(c.keep);
    CAPTURE(c.early_stopping);
    std::vector<std::string> overrides = {std::string("training.keep=") + c.keep};
    if (c.early_stopping) overrides.push_back("training.early_stopping.patience=3");
    const TrainingSettings s = settings_of(overrides);
    CHECK(s.keep == c.parsed);
    CHECK(s.keeps_best() == c.keeps_best);
  }
}

TEST_CASE("training settings: early stopping is present exactly when the section has one, with its defaults") {
  CHECK_FALSE(settings_of({"training.epochs=5"}).early_stopping.has_value());

  const TrainingSettings defaults = settings_of({"training.early_stopping.patience=3"});
  REQUIRE(defaults.early_stopping.has_value());
  CHECK(defaults.early_stopping->patience == 3);
  CHECK(defaults.early_stopping->min_delta == 0.0);
  CHECK(defaults.early_stopping->metric == WatchedLoss::val_loss);
  CHECK(std::string(seqlab::loss_name(defaults.early_stopping->metric)) == "val_loss");

  const seqlab::ResolvedExperiment e =
      resolved_training({"training.early_stopping.patience=4", "training.early_stopping.min_delta=0.25",
                         "training.early_stopping.metric=train_loss"});
  REQUIRE(e.training.early_stopping.has_value());
  CHECK(e.training.early_stopping->patience == 4);
  CHECK(e.training.early_stopping->min_delta == 0.25);
  CHECK(e.training.early_stopping->metric == WatchedLoss::train_loss);
  CHECK(std::string(seqlab::loss_name(e.training.early_stopping->metric)) == "train_loss");
  REQUIRE(e.early_stopping_params.has_value());
  CHECK(e.early_stopping_params->integer("patience") == 4);
}

TEST_CASE("training settings: values that do not match the schemas are a programmer bug") {
  CHECK_THROWS_AS(seqlab::training_settings(seqlab::ParamValues{}, std::nullopt), std::logic_error);
}
