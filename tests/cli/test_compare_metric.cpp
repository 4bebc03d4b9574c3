// `seqlab compare --metric test.*`: runs ranked by their test scores in the data's units, and losses in different
// model units refused.
#include <doctest/doctest.h>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("compare ranks by a test score in the data's units, and refuses losses of runs normalised differently") {
  ScratchDir dir("compare-metric");
  const std::string quick = " training.epochs=1 --no-plots --out '";
  REQUIRE(run_seqlab("run experiments/sunspots_rnn.yaml" + quick + (dir / "z") + "'").exit_code == 0);
  REQUIRE(
      run_seqlab("run experiments/sunspots_rnn.yaml dataset.normalize=minmax" + quick + (dir / "m") + "'").exit_code ==
      0);
  const std::string both = " '" + (dir / "z") + "' '" + (dir / "m") + "'";

  // val_loss (the default) is in each run's normalised units: not comparable here.
  for (const std::string metric : {"", " --metric val_loss", " --metric best_val_loss"}) {
    const auto refused = run_seqlab("compare" + both + metric);
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "it is a loss in the model's units, and the runs' units differ"));
    CHECK(contains(refused.output, "normalize zscore"));
    CHECK(contains(refused.output, "normalize minmax"));
    CHECK(contains(refused.output, "--metric test.rmse"));
  }
  // Not a loss: ranked as before.
  CHECK(run_seqlab("compare" + both + " --metric median_epoch_ms").exit_code == 0);

  for (const std::string metric : {"test.rmse", "test.mae", "test.mase", "test.smape", "test.rmse.sunactivity"}) {
    const auto ranked = run_seqlab("compare" + both + " --metric " + metric);
    INFO(ranked.output);
    CHECK(ranked.exit_code == 0);
    CHECK(contains(ranked.output, "2 runs, ranked by " + metric + " (lower is better)"));
    CHECK(contains(ranked.output, "| " + metric + " |"));  // its own column
  }
  const auto unknown = run_seqlab("compare" + both + " --metric test.rmse.nosuchtarget");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.output, "test.mase.sunactivity"));  // listed among the known ones

  // Runs in the same units rank by val_loss as before.
  const auto same = run_seqlab("compare '" + (dir / "z") + "' '" + (dir / "z") + "'");
  INFO(same.output);
  CHECK(same.exit_code == 0);
  CHECK(contains(same.output, "ranked by final val_loss"));
}
