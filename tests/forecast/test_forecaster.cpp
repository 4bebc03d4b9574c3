// Direct and autoregressive forecasts with a stand-in model whose answers are known.
#include <doctest/doctest.h>

#include <cmath>

#include "forecast/forecaster.hpp"
#include "util/run_error.hpp"

namespace {

// Rows 0..rows-1 of a series whose single column is 10 * row.
seqlab::DataSeries counting_series(std::size_t rows, std::size_t features = 1) {
  seqlab::DataSeries s;
  s.inputs = seqlab::Tensor2::from_shape({rows, features});
  s.targets = seqlab::Tensor2::from_shape({rows, 1});
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < features; ++f) s.inputs(r, f) = static_cast<float>(10 * r + f);
    s.targets(r, 0) = static_cast<float>(10 * r);
  }
  s.window = 4;
  return s;
}

// A "model" that predicts, for each of `horizon` steps, the last input plus 1 + h (one output per step).
seqlab::PredictOne plus_one_model(std::size_t horizon, int* calls) {
  return [horizon, calls](const seqlab::Tensor3& in) {
    ++*calls;
    const std::size_t last = in.shape()[1] - 1;
    seqlab::Tensor3 out = seqlab::Tensor3::from_shape({1, 1, horizon});
    for (std::size_t h = 0; h < horizon; ++h) out(0, 0, h) = in(0, last, 0) + 1.0f + static_cast<float>(h);
    return out;
  };
}

seqlab::DataDescription one_column(std::size_t horizon, std::vector<int> fed_back) {
  seqlab::DataDescription d;
  d.inputs = {{"y"}};
  d.targets = {{"y"}};
  d.horizon = horizon;
  d.fed_back = std::move(fed_back);
  return d;
}

}  // namespace

TEST_CASE("a forecast within the horizon is one direct pass") {
  int calls = 0;
  const auto f = seqlab::forecast(plus_one_model(3, &calls), one_column(3, {}), counting_series(10), 2, "test");
  CHECK(f.method == "direct");
  CHECK(calls == 1);
  CHECK(f.values(0, 0) == 91.0f);  // the last row is 90
  CHECK(f.values(1, 0) == 92.0f);
}

TEST_CASE("an autoregressive forecast feeds each prediction back as the next input") {
  int calls = 0;
  const auto f = seqlab::forecast(plus_one_model(1, &calls), one_column(1, {0}), counting_series(10), 5, "test");
  CHECK(f.method == "autoregressive");
  CHECK(calls == 5);
  for (std::size_t k = 0; k < 5; ++k) CHECK(f.values(k, 0) == 91.0f + static_cast<float>(k));
}

TEST_CASE("with a horizon above 1 the forecast feeds back a block per pass, even past the window") {
  int calls = 0;
  // Horizon 6 > window 4: a pass's last 4 predictions become the whole next window.
  const auto f = seqlab::forecast(plus_one_model(6, &calls), one_column(6, {0}), counting_series(10), 13, "test");
  CHECK(calls == 3);
  // Pass 1: 91..96; pass 2 starts from 96: 97..102; pass 3 from 102: 103.
  for (std::size_t k = 0; k < 13; ++k) CHECK(f.values(k, 0) == 91.0f + static_cast<float>(k));
}

TEST_CASE("a forecast past the horizon is refused when an input is not predicted") {
  int calls = 0;
  seqlab::DataDescription d = one_column(1, {0});
  d.inputs = {{"y"}, {"temperature"}};
  const auto make = [&] { seqlab::forecast(plus_one_model(1, &calls), d, counting_series(10, 2), 3, "test"); };
  CHECK_THROWS_WITH_AS(make(), doctest::Contains("'temperature'"), seqlab::RunError);
  CHECK_THROWS_WITH_AS(make(), doctest::Contains("--steps 1"), seqlab::RunError);
  CHECK(calls == 0);
}

TEST_CASE("a forecast is refused for data that is not a series, or ends in a gap") {
  int calls = 0;
  CHECK_THROWS_WITH_AS(seqlab::forecast(plus_one_model(1, &calls), one_column(1, {0}), {}, 3, "sine"),
                       doctest::Contains("not give its data as one series"), seqlab::RunError);
  auto gap = counting_series(10);
  gap.inputs(8, 0) = std::nanf("");
  CHECK_THROWS_WITH_AS(seqlab::forecast(plus_one_model(1, &calls), one_column(1, {0}), gap, 3, "csv"),
                       doctest::Contains("row 9"), seqlab::RunError);
}

TEST_CASE("a target that is not an input is forecast but fed back nowhere, and the window keeps its inputs") {
  // Targets y (input 0) and z (no input: fed_back -1). The model extrapolates y from its last two rows, so a
  // prediction written into any other row (z once went to index -1 of the row: the row before) would show.
  seqlab::DataDescription d = one_column(1, {0, -1});
  d.targets = {{"y"}, {"z"}};
  int calls = 0;
  const seqlab::PredictOne extrapolate = [&calls](const seqlab::Tensor3& in) {
    ++calls;
    const std::size_t last = in.shape()[1] - 1;
    seqlab::Tensor3 out = seqlab::Tensor3::from_shape({1, 1, 2});
    out(0, 0, 0) = 2 * in(0, last, 0) - in(0, last - 1, 0);
    out(0, 0, 1) = -1000.0f;
    return out;
  };
  seqlab::DataSeries series = counting_series(10);
  series.targets = seqlab::Tensor2::from_shape({10, 2});
  const auto f = seqlab::forecast(extrapolate, d, series, 5, "test");
  CHECK(f.method == "autoregressive");
  CHECK(calls == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    CHECK(f.values(k, 0) == 100.0f + 10.0f * static_cast<float>(k));  // the last row is 90, the one before 80
    CHECK(f.values(k, 1) == -1000.0f);
  }
}

TEST_CASE("past the horizon, calendar features are computed for the future times and known-future rows are read") {
  // Inputs y (fed back), month_sin (calendar, in units offset 0.5, scale 2) and promo (known future); monthly.
  seqlab::DataDescription d = one_column(1, {0});
  d.inputs = {{"y"}, {"month_sin", 0.5, 2}, {"promo"}};
  d.input_roles = {{}, {seqlab::InputRole::Kind::calendar, "month", false}, {seqlab::InputRole::Kind::known_future}};
  seqlab::DataSeries s = counting_series(10, 3);
  for (unsigned r = 0; r < 10; ++r)
    s.times.push_back(static_cast<double>(seqlab::calendar::days_from_civil(2024, r + 1, 1)) * 86400);
  s.frequency = seqlab::calendar::detect_frequency(s.times);
  s.future_inputs = seqlab::Tensor2::from_shape({2, 3});
  s.future_inputs.fill(std::nanf(""));
  s.future_inputs(0, 2) = 7;
  s.future_inputs(1, 2) = 8;
  std::vector<seqlab::Tensor3> seen;
  int calls = 0;
  const auto model = plus_one_model(1, &calls);
  const auto f = seqlab::forecast(
      [&](const seqlab::Tensor3& in) {
        seen.push_back(in);
        return model(in);
      },
      d, s, 3, "test");
  REQUIRE(seen.size() == 3);
  const double pi = 3.14159265358979323846;
  // Call 2's last row is 2024-11-01 (month 10 of 0-11), call 3's 2024-12-01.
  CHECK(seen[1](0, 3, 0) == 91.0f);
  CHECK(seen[1](0, 3, 1) == doctest::Approx((std::sin(2 * pi * 10 / 12) - 0.5) / 2));
  CHECK(seen[1](0, 3, 2) == 7.0f);
  CHECK(seen[2](0, 3, 1) == doctest::Approx((std::sin(2 * pi * 11 / 12) - 0.5) / 2));
  CHECK(seen[2](0, 3, 2) == 8.0f);
  CHECK(seen[2](0, 2, 2) == 7.0f);  // the row before slid back
  CHECK(f.values(2, 0) == 93.0f);
  // Without the future rows promo is missing, and it alone is named.
  s.future_inputs = {};
  try {
    seqlab::forecast(model, d, s, 3, "test");
    FAIL("not refused");
  } catch (const seqlab::RunError& e) {
    const std::string message = e.what();
    CHECK(message.find("'promo'") != std::string::npos);
    CHECK(message.find("month_sin") == std::string::npos);
  }
  // One future row is too few for 3 steps (2 rows are fed back).
  s.future_inputs = seqlab::Tensor2::from_shape({1, 3});
  s.future_inputs.fill(1);
  CHECK_THROWS_WITH_AS(seqlab::forecast(model, d, s, 3, "test"), doctest::Contains("'promo'"), seqlab::RunError);
}
