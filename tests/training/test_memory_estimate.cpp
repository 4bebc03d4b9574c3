// The memory estimate: within 25% of the peak RSS real runs reach, and a run that cannot fit refused before it starts.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/prerequisite.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::kSmallExperiment;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasuresRss = false;  // AddressSanitizer's shadow memory and quarantine inflate the RSS
#else
constexpr bool kMeasuresRss = true;
#endif

TEST_CASE("the memory estimate is within 25% of the measured peak RSS") {
  if (!kMeasuresRss) {
    seqlab::test::report_skipped("under AddressSanitizer its shadow memory is part of the RSS; it runs in Release");
    return;
  }
  // Sizes where the data and the activations, not the process itself, dominate. A batch trained in one
  // pass (Model::train_step) holds few activations: the activations dominate where a set is also
  // evaluated in full (no validation set: the training set's predictions at the end), with dropout
  // (two passes) and with the reference kernel; the data dominates in the fourth case.
  const char* cases[] = {
      "dataset.num_samples=8000 dataset.seq_length=100 dataset.val_samples=0",
      "dataset.num_samples=5000 dataset.seq_length=100 model.num_layers=2 model.dropout=0.2",
      "dataset.num_samples=4000 dataset.seq_length=60 model.hidden_size=64 training.batch_size=1500 "
      "dataset.val_samples=0",
      "model.plugin=rnn model.hidden_size=16 dataset.num_samples=125000 dataset.seq_length=200",
      "dataset.num_samples=3000 dataset.seq_length=40 dataset.target=sequence model.num_layers=2 model.dropout=0.1 "
      "--threads 2",
      "dataset.num_samples=3000 dataset.seq_length=50 model.kernel=reference optimizer.plugin=sgd",
  };
  for (const std::string settings : cases) {
    CAPTURE(settings);
    ScratchDir dir("memory");
    const auto result = run_seqlab("run experiments/sine_lstm.yaml --no-plots training.epochs=2 " + settings +
                                   " --out '" + (dir / "run") + "'");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const auto summary = nlohmann::json::parse(read_file(dir / "run/summary.json"));
    const double estimate = summary.at("memory_estimate_bytes"), peak = summary.at("peak_rss_bytes");
    CAPTURE(estimate);
    CAPTURE(peak);
    CHECK(peak > 100e6);  // large enough to say something about the estimate
    CHECK(std::abs(estimate - peak) <= 0.25 * peak);
  }
}

TEST_CASE("a run that cannot fit in memory is refused with the estimate and the limit, before anything is written") {
  SUBCASE("the data is the largest part") {
    const auto out = expect_config_error(
        kSmallExperiment, "dataset.num_samples=100000000 dataset.seq_length=1000000 training.batch_size=10");
    CHECK(contains(out, "exp.yaml:3:1: error: dataset: the run needs about "));
    CHECK(contains(out, "(data 364 TiB, "));
    CHECK(contains(out, "but this process may use "));
    CHECK(contains(out, "make the dataset smaller"));
  }
  SUBCASE("the activations of a full batch are the largest part") {
    const auto out = expect_config_error(
        kSmallExperiment,
        "dataset.num_samples=10000000 dataset.seq_length=10000 model.hidden_size=512 model.kernel=reference");
    CHECK(contains(out, "exp.yaml:7:1: error: training: the run needs about "));
    CHECK(contains(out, "train in mini-batches"));
  }
}

TEST_CASE("validate prints the memory estimate") {
  const auto result = run_seqlab("validate experiments/sine_lstm.yaml");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "memory: about "));
  CHECK(contains(result.output, "(data 239 KiB, model "));
  CHECK(contains(result.output, "this process may use "));
}
