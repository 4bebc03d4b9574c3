// `seqlab reproduce`: a run's own record is enough to rerun it byte for byte, and a difference is caught.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

using seqlab::test::contains;

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("a run records where it came from and reproduces byte for byte from that record") {
  ScratchDir dir("reproduce");
  const std::string run = dir / "run";
  // Mini-batches, shuffling and two threads: everything that could make a rerun drift.
  const auto first = run_seqlab("run experiments/sine_lstm.yaml --out '" + run +
                                "' --no-plots --threads 2 training.epochs=4 training.batch_size=96 "
                                "dataset.num_samples=300 optimizer.lr=0.02");
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const auto summary = nlohmann::json::parse(read_file(run + "/summary.json"));
  CHECK(summary["compiler"].get<std::string>().rfind("gcc", 0) == 0);
  CHECK(summary.contains("experiment_git"));
  CHECK(summary["threads"] == 2);

  const auto again = run_seqlab("reproduce '" + run + "' --out '" + (dir / "again") + "'");
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "reproduced: byte-identical"));
  CHECK(contains(again.output, "identical  weights/lstm.weight_hh_l0.npy"));

  SUBCASE("a changed weight file is reported") {
    std::string weights = read_file(run + "/weights/fc.bias.npy");
    weights.back() = static_cast<char>(weights.back() ^ 1);
    seqlab::test::write_file(run + "/weights/fc.bias.npy", weights);
    const auto differs = run_seqlab("reproduce '" + run + "' --out '" + (dir / "third") + "'");
    CHECK(differs.exit_code == 1);
    CHECK(contains(differs.output, "DIFFERENT  weights/fc.bias.npy"));
    CHECK(contains(differs.output, "NOT reproduced"));
  }
}

TEST_CASE("reproduce refuses a folder that is not a finished run") {
  ScratchDir dir("reproduce");
  const auto result = run_seqlab("reproduce '" + dir.path() + "'");
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "not a seqlab run folder"));
}
