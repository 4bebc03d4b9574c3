// Numerical faults: non-finite data named with its place before training, an exploding gradient named with its epoch.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::kSmallExperiment;
using seqlab::test::replaced;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const std::string kNanDataPlugins = std::string("--plugin-dir '") + SEQLAB_TEST_BAD_PLUGIN_DIR + "/nan_data'";

std::string with_nan_data(const std::string& settings) {
  return replaced(kSmallExperiment,
                  "dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 8, shift: 0.1, target: last}",
                  "dataset:   {plugin: nan_data" + settings + "}");
}

}  // namespace

TEST_CASE("a NaN or infinity in the data is reported with its place, before anything is written") {
  SUBCASE("NaN in the training inputs") {
    const auto out = expect_config_error(with_nan_data(", sequence: 1, step: 3"), kNanDataPlugins);
    CHECK(contains(out,
                   "exp.yaml:3:1: error: dataset: dataset plugin 'nan_data' produced a NaN in the training "
                   "inputs at sequence 1, step 3, feature 0"));
  }
  SUBCASE("infinity in the validation targets") {
    const auto out = expect_config_error(with_nan_data(", value: inf, split: validation, part: targets, sequence: 1"),
                                         kNanDataPlugins);
    CHECK(contains(out, "produced an infinite value in the validation targets at sequence 1, step 0, feature 0"));
  }
}

TEST_CASE("an exploding gradient stops the run with its epoch, the norm's growth and a suggestion to clip") {
  ScratchDir dir("faults");
  write_file(dir / "exp.yaml", replaced(replaced(kSmallExperiment, "lr: 0.01", "lr: 1e30"), "epochs: 2", "epochs: 50"));
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --out '" + (dir / "out") + "' --no-plots");
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.output, " at epoch "));
  // Caught at the gradient, before the optimizer steps with it (not later, as a NaN loss).
  CHECK(contains(result.output, "the gradient exploded at epoch 2: its norm is NaN or infinite"));
  CHECK(contains(result.output, "the gradient norm was "));
  CHECK(contains(result.output, "in epoch 1"));
  CHECK(contains(result.output, "clip the gradients"));
  CHECK(std::filesystem::exists(dir / "out/metrics.csv"));
}
