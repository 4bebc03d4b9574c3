// The run's last line on the test split: which baseline the model does not beat, said in words.
#include <doctest/doctest.h>

#include "forecast/test_score.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

seqlab::TestScore score(double model, double persistence, double linear_ar) {
  seqlab::TestScore s;
  s.windows = 47;
  s.has_persistence = true;
  s.has_linear_ar = true;
  s.model.rmse = model;
  s.persistence.rmse = persistence;
  s.linear_ar.rmse = linear_ar;
  return s;
}

}  // namespace

TEST_CASE("the test line says when the model does NOT beat persistence, or the linear AR, and is quiet when it does") {
  const std::string worse = seqlab::test_score_line(score(30, 29.1, 18.5));
  INFO(worse);
  CHECK(contains(worse, "test RMSE 30 (persistence 29.1, linear AR 18.5) over 47 test windows"));
  CHECK(contains(worse, "the model does NOT beat persistence"));

  // A tie is not a win.
  CHECK(contains(seqlab::test_score_line(score(29.1, 29.1, 18.5)), "does NOT beat persistence"));

  const std::string between = seqlab::test_score_line(score(20, 29.1, 18.5));
  INFO(between);
  CHECK_FALSE(contains(between, "persistence:"));
  CHECK(contains(between, "the model does not beat the linear autoregression"));

  const std::string better = seqlab::test_score_line(score(15.9, 29.1, 18.5));
  INFO(better);
  CHECK_FALSE(contains(better, "does NOT beat"));
  CHECK_FALSE(contains(better, "does not beat"));

  // Without a linear AR fit (eval --data of an older run) only persistence is compared.
  seqlab::TestScore no_ar = score(20, 29.1, 0);
  no_ar.has_linear_ar = false;
  CHECK_FALSE(contains(seqlab::test_score_line(no_ar), "beat"));
}

TEST_CASE("seqlab run ends with that line: a model trained one epoch at a tiny rate does NOT beat persistence") {
  ScratchDir dir("test-score");
  const auto result =
      run_seqlab("run experiments/sunspots_rnn.yaml training.epochs=1 optimizer.lr=0.00001 --no-plots --out '" +
                 (dir / "run") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "over 47 test windows, in the data's units; the model does NOT beat persistence"));
}
