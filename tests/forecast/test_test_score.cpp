// The test split scored: every baseline its own row, per target and per step, in the data's units, the baselines'
// predictions saved, and the run's last line naming each target the model loses on.
#include <cmath>
#include <doctest/doctest.h>

#include "forecast/test_predictions.hpp"
#include "forecast/test_score.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

// Rows 0..29 at times 1990 + r. Target a = r (data = model units); target b in model units (r % 4) + r / 2,
// in data units 100 + 2 (r % 4) + r (offset 100, scale 2). The input is a's model value.
struct Fixture {
  seqlab::DataSeries series;
  seqlab::DataDescription description;
  std::vector<seqlab::OutputFeature> outputs;
  seqlab::SequenceSet test;
  seqlab::Tensor3 predicted;
  seqlab::LinearAutoregression linear_ar;

  Fixture() {
    const std::size_t rows = 30;
    series.inputs = seqlab::Tensor2::from_shape({rows, 1});
    series.targets = seqlab::Tensor2::from_shape({rows, 2});
    for (std::size_t r = 0; r < rows; ++r) {
      series.inputs(r, 0) = series.targets(r, 0) = static_cast<float>(r);
      series.targets(r, 1) = static_cast<float>(r % 4) + 0.5f * static_cast<float>(r);
      series.times.push_back(1990.0 + static_cast<double>(r));
    }
    series.window = 1;
    description.targets = {{"a", 0, 1}, {"b", 100, 2}};
    description.time_kind = seqlab::TimeKind::number;
    outputs = seqlab::output_features(description, 2, "fixture");
    // Windows ending at rows 2 (season 4 reaches before the data: excluded), 10 and 11.
    test.last_rows = {2, 10, 11};
    test.inputs = seqlab::Tensor3::from_shape({3, 1, 1});
    test.targets = seqlab::Tensor3::from_shape({3, 1, 2});
    for (std::size_t n = 0; n < 3; ++n) {
      test.inputs(n, 0, 0) = series.inputs(test.last_rows[n], 0);
      for (std::size_t j = 0; j < 2; ++j) test.targets(n, 0, j) = series.targets(test.last_rows[n] + 1, j);
    }
    // The model: a 11.5 and 12.5 (errors .5), b 112 and 117 in data units (errors -5 and 5).
    predicted = seqlab::Tensor3::from_shape({3, 1, 2});
    predicted.fill(0);
    predicted(1, 0, 0) = 11.5f;
    predicted(2, 0, 0) = 12.5f;
    predicted(1, 0, 1) = 6.0f;
    predicted(2, 0, 1) = 8.5f;
    // The linear AR: a = input + 1 (exact), b = 0 (data 100).
    linear_ar.weights = seqlab::Matrix{{1.0, 0.0}, {1.0, 0.0}};
    linear_ar.windows_used = 25;
  }

  seqlab::TestScore score(std::size_t season, bool with_ar = true) const {
    return seqlab::score_test(test, predicted, {outputs, series, description, season, 10},
                              with_ar ? &linear_ar : nullptr);
  }
};

}  // namespace

TEST_CASE("persistence, seasonal naive and the linear AR: each its own row, overall and per target, data units") {
  const Fixture f;
  const auto score = f.score(4);
  CHECK(score.windows == 2);
  CHECK(score.excluded == 1);
  const auto j = seqlab::test_score_json(score);
  INFO(j.dump(1));
  CHECK(j["units"] == "data");
  CHECK(j["season"] == 4);
  CHECK(j["targets"] == nlohmann::json({"a", "b"}));
  // Truths 11 12 | 117 112; persistence 10 11 | 114 117; seasonal naive 7 8 | 113 108; linear AR 11 12 | 100 100.
  CHECK(j["model"]["rmse"].get<double>() == doctest::Approx(std::sqrt(50.5 / 4)));
  CHECK(j["model"]["mae"].get<double>() == doctest::Approx(11.0 / 4));
  CHECK(j["persistence"]["rmse"].get<double>() == doctest::Approx(3));
  CHECK(j["seasonal_naive"]["rmse"].get<double>() == doctest::Approx(4));
  CHECK(j["linear_ar"]["rmse"].get<double>() == doctest::Approx(std::sqrt(433.0 / 4)));
  CHECK(j["model"]["per_target"]["a"]["rmse"].get<double>() == doctest::Approx(0.5));
  CHECK(j["model"]["per_target"]["b"]["rmse"].get<double>() == doctest::Approx(5));
  CHECK(j["persistence"]["per_target"]["b"]["rmse"].get<double>() == doctest::Approx(std::sqrt(17)));
  // MASE: both targets' in-sample seasonal-naive MAE over rows 0..9 with season 4 is 4.
  CHECK(j["mase_scale"]["a"].get<double>() == doctest::Approx(4));
  CHECK(j["mase_scale"]["b"].get<double>() == doctest::Approx(4));
  CHECK(j["model"]["mase"].get<double>() == doctest::Approx(11.0 / 16));
  CHECK(j["seasonal_naive"]["mase"].get<double>() == doctest::Approx(1));
  CHECK(j["model"]["smape"].get<double>() ==
        doctest::Approx((100 / 22.5 + 100 / 24.5 + 1000 / 229.0 + 1000 / 229.0) / 4));
  CHECK_FALSE(j["model"].contains("per_step"));  // horizon 1
  CHECK(j["beats_persistence"] == false);
  CHECK(j["beats_seasonal_naive"] == true);
  CHECK(j["beats_linear_ar"] == true);
  CHECK(j["linear_ar_training_windows"] == 25);
  CHECK(j["loses_to_baseline"].size() == 3);

  const std::string csv = seqlab::test_metrics_csv(score);
  CHECK(contains(csv, "predictor,mse,rmse,mae,mase,smape,target,step\nmodel,"));
  CHECK(contains(csv, "\nseasonal_naive,16,4,4,1,"));
  CHECK(contains(csv, "\npersistence,17,"));  // per target b: (9 + 25) / 2
  CHECK(contains(csv, ",b,all\n"));

  // Without a season: plain persistence only, no seasonal-naive row; season 1 scales MASE.
  const auto plain = seqlab::test_score_json(f.score(0));
  CHECK_FALSE(plain.contains("seasonal_naive"));
  CHECK(plain["windows"] == 3);  // nothing reaches before the data now
  CHECK(plain["persistence"]["per_target"]["a"]["rmse"].get<double>() == doctest::Approx(1));
  CHECK(plain["mase_scale"]["a"].get<double>() == doctest::Approx(1));
}

TEST_CASE("the test line names every target on which the model loses to a baseline, with both RMSEs") {
  const Fixture f;
  const std::string line = seqlab::test_score_line(f.score(4));
  INFO(line);
  CHECK(contains(line,
                 "test RMSE 3.55317 (persistence 3, seasonal naive (season 4) 4, linear AR 10.4043) over 2 "
                 "test windows, in the data's units (1 without a seasonal value left out)"));
  CHECK(contains(line, "the model does NOT beat persistence"));
  CHECK(contains(line,
                 "; loses to persistence on b (5 vs 4.12), to seasonal naive on b (5 vs 4), to linear AR "
                 "on a (0.5 vs 0)"));

  // A model that wins everywhere hears nothing of losses (a tie would be one: the linear AR is exact on a).
  Fixture good;
  for (std::size_t n = 1; n < 3; ++n) {
    good.predicted(n, 0, 0) = good.test.targets(n, 0, 0);
    good.predicted(n, 0, 1) = good.test.targets(n, 0, 1);
  }
  const std::string better = seqlab::test_score_line(good.score(4, false));
  INFO(better);
  CHECK_FALSE(contains(better, "beat"));
  CHECK_FALSE(contains(better, "loses"));
}

TEST_CASE("test_predictions.csv: each scored window and output, the truth, the model and every baseline") {
  const Fixture f;
  CHECK(seqlab::test_predictions_csv(f.score(4)) ==
        "window,time,output,target,step,row,truth,model,persistence,seasonal_naive,linear_ar\n"
        "1,2001,a,a,1,11,11,11.5,10,7,11\n"
        "1,2001,b,b,1,11,117,112,114,113,100\n"
        "2,2002,a,a,1,12,12,12.5,11,8,12\n"
        "2,2002,b,b,1,12,112,117,117,108,100\n");
  // A baseline the score has not got stays empty; window 0 has plain persistence, so it is scored.
  const std::string plain = seqlab::test_predictions_csv(f.score(0, false));
  CHECK(contains(plain, "0,1993,a,a,1,3,3,0,2,,\n"));
}

TEST_CASE("horizon above 1: per-step scores in the record and the csv, and without a series no persistence, no MASE") {
  seqlab::DataDescription description;
  description.targets = {{"y", 0, 1}};
  description.horizon = 2;
  const auto outputs = seqlab::output_features(description, 2, "fixture");
  seqlab::SequenceSet test;
  test.inputs = seqlab::Tensor3::from_shape({2, 1, 1});
  test.inputs.fill(0);
  test.targets = seqlab::Tensor3{{{1.0f, 2.0f}}, {{3.0f, 4.0f}}};
  const seqlab::Tensor3 predicted = {{{1.0f, 3.0f}}, {{3.0f, 1.0f}}};  // step 1 exact; step 2 errors 1 and -3
  const seqlab::DataSeries none;
  const auto score = seqlab::score_test(test, predicted, {outputs, none, description, 0, 0}, nullptr);
  const auto j = seqlab::test_score_json(score);
  INFO(j.dump(1));
  REQUIRE(j["model"]["per_step"].size() == 2);
  CHECK(j["model"]["per_step"][0]["rmse"] == 0.0);
  CHECK(j["model"]["per_step"][1]["rmse"].get<double>() == doctest::Approx(std::sqrt(5)));
  CHECK(j["model"]["mase"].is_null());
  CHECK_FALSE(j.contains("persistence"));
  const std::string csv = seqlab::test_metrics_csv(score);
  CHECK(contains(csv, "\nmodel,5,"));
  CHECK(contains(csv, ",all,2\n"));
}

TEST_CASE("seqlab run ends with that line: a model trained one epoch at a tiny rate does NOT beat persistence") {
  ScratchDir dir("test-score");
  const auto result =
      run_seqlab("run experiments/sunspots_rnn.yaml training.epochs=1 optimizer.lr=0.00001 --no-plots --out '" +
                 (dir / "run") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "over 47 test windows, in the data's units; the model does NOT beat persistence"));
  CHECK(contains(result.output, "loses to persistence on sunactivity ("));
  // test_predictions.csv: one row per scored window (one output), the baselines beside the model.
  const std::string csv = seqlab::test::read_file(dir / "run/test_predictions.csv");
  CHECK(csv.rfind("window,time,output,target,step,row,truth,model,persistence,seasonal_naive,linear_ar\n0,1962,"
                  "sunactivity,sunactivity,1,262,",
                  0) == 0);
  // series.csv: the rows test_predictions.csv's row refers to, in the data's units.
  const std::string series = seqlab::test::read_file(dir / "run/series.csv");
  CHECK(series.rfind("row,time,sunactivity\n0,1700,", 0) == 0);
  CHECK(contains(series, "\n262,1962,"));
  CHECK(seqlab::test::count_of(csv, "\n") == 48);
}
