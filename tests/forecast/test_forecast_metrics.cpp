// RMSE, MAE, MASE and sMAPE overall, per target and per step, against values worked out by hand.
#include <cmath>
#include <doctest/doctest.h>

#include "forecast/forecast_metrics.hpp"

namespace {

using seqlab::ForecastMetrics;
using Matrix = xt::xtensor<double, 2>;

void check(const ForecastMetrics& m, double mse, double mae, double mase, double smape) {
  CHECK(m.mse == doctest::Approx(mse));
  CHECK(m.rmse == doctest::Approx(std::sqrt(mse)));
  CHECK(m.mae == doctest::Approx(mae));
  CHECK(m.mase == doctest::Approx(mase));
  CHECK(m.smape == doctest::Approx(smape));
}

}  // namespace

TEST_CASE("forecast metrics: overall, per target and per step, the excluded window left out") {
  // Outputs: a+1, b+1, a+2, b+2 (targets 0 and 1, steps 0 and 1). Window 2 is excluded.
  const std::vector<seqlab::OutputFeature> outputs = {{"a+1", 0, 0}, {"b+1", 1, 0}, {"a+2", 0, 1}, {"b+2", 1, 1}};
  const Matrix truth = {{1, 2, 3, 4}, {0, -2, 5, 1}, {100, 100, 100, 100}};
  const Matrix predicted = {{2, 2, 1, 4}, {0, -1, 5, 3}, {0, 0, 0, 0}};  // errors 1 0 -2 0 / 0 1 0 2
  const auto m = seqlab::forecast_metrics(truth, predicted, {true, true, false}, outputs, {2.0, 0.5});
  // |e| / scale: .5 0 1 0 / 0 2 0 4; sMAPE terms: 200/3 0 100 0 / 0 (0/0) 200/3 0 100.
  check(m.overall, 10.0 / 8, 6.0 / 8, 7.5 / 8, (400.0 / 3 + 200) / 8);
  REQUIRE(m.per_target.size() == 2);
  check(m.per_target[0], 5.0 / 4, 3.0 / 4, 1.5 / 4, (200.0 / 3 + 100) / 4);
  check(m.per_target[1], 5.0 / 4, 3.0 / 4, 6.0 / 4, (200.0 / 3 + 100) / 4);
  REQUIRE(m.per_step.size() == 2);
  check(m.per_step[0], 2.0 / 4, 2.0 / 4, 2.5 / 4, (400.0 / 3) / 4);
  check(m.per_step[1], 8.0 / 4, 4.0 / 4, 5.0 / 4, 200.0 / 4);

  // A target without a scale: no MASE for it, nor overall, but the other metrics stand.
  const auto unscaled = seqlab::forecast_metrics(truth, predicted, {true, true, false}, outputs, {2.0, NAN});
  CHECK(std::isnan(unscaled.overall.mase));
  CHECK(std::isnan(unscaled.per_target[1].mase));
  CHECK(unscaled.per_target[0].mase == doctest::Approx(1.5 / 4));
  CHECK(unscaled.overall.mse == m.overall.mse);
}

TEST_CASE("the overall MSE, RMSE and MAE are the sums of the loop scoring had before, bit for bit") {
  const std::vector<seqlab::OutputFeature> outputs = {{"y", 0, 0}};
  const Matrix truth = {{0.1}, {0.7}, {1.3}}, predicted = {{0.3}, {0.2}, {1.0}};
  double squared = 0, absolute = 0;
  for (std::size_t n = 0; n < 3; ++n) {
    const double e = predicted(n, 0) - truth(n, 0);
    squared = std::fma(e, e, squared);  // as scoring did before (the release build contracts it)
    absolute += std::abs(e);
  }
  const auto m = seqlab::forecast_metrics(truth, predicted, {true, true, true}, outputs, {1.0});
  CHECK(m.overall.mse == squared / 3);
  CHECK(m.overall.rmse == std::sqrt(squared / 3));
  CHECK(m.overall.mae == absolute / 3);
  CHECK(m.per_step.size() == 1);
}

TEST_CASE("MASE's scale: the training period's in-sample seasonal-naive MAE per target, gaps skipped") {
  const Matrix levels = {{1, 1}, {2, NAN}, {4, 3}, {7, 3}, {11, 3}, {16, 3}};
  const auto plain = seqlab::seasonal_naive_mae(levels, 5, 0);  // rows 0..4: differences 1 2 3 4
  CHECK(plain[0] == doctest::Approx(2.5));
  CHECK(plain[1] == 0.0);  // pairs touching the gap skipped; a flat target scales by 0 (no MASE)
  const auto seasonal = seqlab::seasonal_naive_mae(levels, 5, 2);  // |4-1| |7-2| |11-4|
  CHECK(seasonal[0] == doctest::Approx(5.0));
  CHECK(std::isnan(seqlab::seasonal_naive_mae(levels, 1, 0)[0]));  // one row: no pair
}
