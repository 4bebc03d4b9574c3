// The epochs' records are memory a run holds: training.epochs: 2147483647 is refused by validate and run alike,
// with the estimate, instead of "ok, 16 MiB" and then std::bad_alloc.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("a run of 2147483647 epochs is refused at training.epochs by validate and run, for its records") {
  ScratchDir dir("epoch-records");
  for (const std::string& command : {std::string("validate experiments/sine_rnn.yaml"),
                                     "run experiments/sine_rnn.yaml --out '" + dir / "out" + "'"}) {
    CAPTURE(command);
    const auto r = run_seqlab(command + " training.epochs=2147483647", "", seqlab::test::kRefusalSeconds);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "error: training.epochs: the run needs about "));
    CHECK(contains(r.output, "epoch records 384 GiB"));
    CHECK(contains(r.output, "train fewer epochs"));
    CHECK_FALSE(contains(r.output, "bad_alloc"));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("the epochs' records show in the estimate once they reach a MiB, and a long run's fit") {
  const auto few = run_seqlab("validate experiments/sine_rnn.yaml training.epochs=100");
  CHECK(few.exit_code == 0);
  CHECK_FALSE(contains(few.output, "epoch records"));
  const auto many = run_seqlab("validate experiments/sine_rnn.yaml training.epochs=100000");
  INFO(many.output);
  CHECK(many.exit_code == 0);
  CHECK(contains(many.output, "epoch records 18.3 MiB"));
}

TEST_CASE("a run longer than the records reserved up front (65,536 epochs) trains, checkpoints and resumes") {
  ScratchDir dir("epoch-records-long");
  const std::string out = dir / "long";
  const auto r = run_seqlab(
      "run experiments/sine_rnn.yaml dataset.num_samples=2 dataset.val_samples=1 dataset.seq_length=2 "
      "model.hidden_size=1 optimizer.lr=0.001 training.epochs=70000 training.log_every=0 --no-plots --out '" +
      out + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto resumed = run_seqlab("resume '" + out + "' --epochs 70002 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(contains(resumed.output, "resumed after epoch 70000 of 70002"));
}
