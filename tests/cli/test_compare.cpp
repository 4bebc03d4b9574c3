// `seqlab compare`: the settings that differ between runs, their metrics, and the overlaid curves.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"

using seqlab::test::contains;

using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("compare shows only the differing settings and each run's metrics") {
  ScratchDir dir("compare");
  const std::string small = " --no-plots training.epochs=3 dataset.num_samples=40 dataset.val_samples=10 ";
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "a") + "'" + small).exit_code == 0);
  REQUIRE(
      run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "b") + "'" + small + "optimizer.lr=0.05").exit_code ==
      0);
  const auto result = run_seqlab("compare '" + (dir / "a") + "' '" + (dir / "b") + "' --out '" + (dir / "cmp") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "| run | optimizer.lr | status |"));  // lr differs; nothing else does
  CHECK(contains(result.output, "| 0.01 | completed | 3 |"));
  CHECK(contains(result.output, "| 0.05 | completed | 3 |"));
  CHECK(std::filesystem::exists(dir / "cmp/compare.md"));
  CHECK(std::filesystem::exists(dir / "cmp/loss_overlay.dat"));
  CHECK(std::filesystem::exists(dir / "cmp/loss_overlay.gp"));
}

TEST_CASE("compare refuses a folder that is not a run, naming it") {
  ScratchDir dir("compare");
  const auto result = run_seqlab("compare '" + dir.path() + "'");
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "not a seqlab run folder"));
}
