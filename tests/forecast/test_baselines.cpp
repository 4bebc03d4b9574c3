// Persistence (with seasons) and the least-squares linear autoregression, against values worked out by hand.
#include <cmath>
#include <doctest/doctest.h>

#include "forecast/baselines.hpp"

namespace {

// A series 0, 1, 2, ... of `rows` rows with one target, and windows of `window` inputs ending at `last_rows`.
seqlab::DataSeries ramp_series(std::size_t rows) {
  seqlab::DataSeries s;
  s.inputs = seqlab::Tensor2::from_shape({rows, 1});
  s.targets = seqlab::Tensor2::from_shape({rows, 1});
  for (std::size_t r = 0; r < rows; ++r) s.inputs(r, 0) = s.targets(r, 0) = static_cast<float>(r * r);
  s.window = 3;
  return s;
}

seqlab::SequenceSet windows_ending_at(const seqlab::DataSeries& s, std::vector<std::size_t> last_rows,
                                      std::size_t horizon) {
  seqlab::SequenceSet set;
  set.inputs = seqlab::Tensor3::from_shape({last_rows.size(), s.window, 1});
  set.targets = seqlab::Tensor3::from_shape({last_rows.size(), 1, horizon});
  for (std::size_t n = 0; n < last_rows.size(); ++n) {
    for (std::size_t k = 0; k < s.window; ++k) set.inputs(n, k, 0) = s.inputs(last_rows[n] + 1 - s.window + k, 0);
    for (std::size_t h = 0; h < horizon; ++h) set.targets(n, 0, h) = s.targets(last_rows[n] + 1 + h, 0);
  }
  set.last_rows = std::move(last_rows);
  return set;
}

// The series' targets as the data-unit levels persistence reads (no transform, offset 0, scale 1).
seqlab::Matrix levels_of(const seqlab::DataSeries& s) {
  seqlab::Matrix levels = seqlab::Matrix::from_shape({s.rows(), 1});
  for (std::size_t r = 0; r < s.rows(); ++r) levels(r, 0) = s.targets(r, 0);
  return levels;
}

std::vector<seqlab::OutputFeature> outputs(std::size_t horizon) {
  std::vector<seqlab::OutputFeature> out;
  for (std::size_t h = 0; h < horizon; ++h) out.push_back({"y", 0, h});
  return out;
}

}  // namespace

TEST_CASE("persistence repeats the last level, or the level whole seasons back") {
  const auto s = ramp_series(40);  // value at row r is r^2
  const auto set = windows_ending_at(s, {10, 20}, 3);
  const auto levels = levels_of(s);
  const auto plain = seqlab::persistence_forecast(set, levels, outputs(3), 0);
  for (std::size_t h = 0; h < 3; ++h) {
    CHECK(plain(0, h) == 100.0);
    CHECK(plain(1, h) == 400.0);
  }
  // Season 2, window ends at row 10: row 11 takes row 9, row 12 takes row 10, row 13 takes row 11 - 2 = 9.
  const auto seasonal = seqlab::persistence_forecast(set, levels, outputs(3), 2);
  CHECK(seasonal(0, 0) == 81.0);
  CHECK(seasonal(0, 1) == 100.0);
  CHECK(seasonal(0, 2) == 81.0);
  // Season 12 reaches before the first row for the window ending at 10 (row 11 - 12 = -1): no value.
  const auto yearly = seqlab::persistence_forecast(set, levels, outputs(1), 12);
  CHECK(std::isnan(yearly(0, 0)));
  CHECK(yearly(1, 0) == 81.0);  // row 21 - 12 = 9
}

TEST_CASE("the linear autoregression recovers an exactly linear rule and predicts with it") {
  // y = 2 * x_last - x_first + 0.5 over windows of 3 inputs drawn from a fixed pseudo-random sequence.
  const std::size_t count = 40, window = 3;
  seqlab::SequenceSet train;
  train.inputs = seqlab::Tensor3::from_shape({count, window, 1});
  train.targets = seqlab::Tensor3::from_shape({count, 1, 1});
  unsigned state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return static_cast<float>((state >> 8) % 1000) / 100.0f;
  };
  for (std::size_t n = 0; n < count; ++n) {
    for (std::size_t k = 0; k < window; ++k) train.inputs(n, k, 0) = next();
    train.targets(n, 0, 0) = 2 * train.inputs(n, 2, 0) - train.inputs(n, 0, 0) + 0.5f;
  }
  const auto fit = seqlab::fit_linear_autoregression(train);
  CHECK(fit.windows_used == count);
  REQUIRE(fit.weights.shape()[0] == window + 1);
  CHECK(fit.weights(0, 0) == doctest::Approx(-1).epsilon(1e-5));
  CHECK(std::abs(fit.weights(1, 0)) < 1e-5);
  CHECK(fit.weights(2, 0) == doctest::Approx(2).epsilon(1e-5));
  CHECK(fit.weights(3, 0) == doctest::Approx(0.5).epsilon(1e-5));
  const auto predicted = seqlab::predict_linear_autoregression(fit, train);
  for (std::size_t n = 0; n < count; ++n)
    CHECK(predicted(n, 0) == doctest::Approx(train.targets(n, 0, 0)).epsilon(1e-5));
}

TEST_CASE("the linear autoregression uses evenly spaced windows when all of them would be too many") {
  const std::size_t window = 2048;  // 2049 columns: at most 2047 rows fit kMaxDesignValues
  const std::size_t count = 3000;
  seqlab::SequenceSet train;
  train.inputs = seqlab::Tensor3::from_shape({count, window, 1});
  train.inputs.fill(0);
  train.targets = seqlab::Tensor3::from_shape({count, 1, 1});
  train.targets.fill(1);
  const auto fit = seqlab::fit_linear_autoregression(train);
  CHECK(fit.windows_used == seqlab::kMaxDesignValues / (window + 1));
  CHECK(fit.weights(window, 0) == doctest::Approx(1));  // only the intercept can explain a constant
}

TEST_CASE("linear_ar.json records lambda, and a file from before the ridge loads as lambda 0 with its weights") {
  seqlab::LinearAutoregression fit;
  fit.weights = seqlab::Matrix{{0.5}, {2.0}};
  fit.windows_used = 19;
  fit.lambda = 3.7;
  const auto json = seqlab::linear_autoregression_to_json(fit);
  CHECK(json["lambda"] == 3.7);
  CHECK(seqlab::linear_autoregression_from_json(json).lambda == 3.7);
  auto old = json;
  old.erase("lambda");
  const auto loaded = seqlab::linear_autoregression_from_json(old);
  CHECK(loaded.lambda == 0);
  CHECK(loaded.weights == fit.weights);
  old["lambda"] = -1;
  CHECK_THROWS_WITH(seqlab::linear_autoregression_from_json(old), doctest::Contains("lambda"));
  // 19 windows for 2 coefficients: fewer than ten per coefficient, said in one line; 20 are enough.
  const std::string note = seqlab::linear_autoregression_note(fit);
  CHECK(note.find("2 coefficients on 19 training windows, fewer than ten per coefficient") != std::string::npos);
  CHECK(note.find('\n') == std::string::npos);
  fit.windows_used = 20;
  CHECK(seqlab::linear_autoregression_note(fit).empty());
}

TEST_CASE("the linear autoregression shrinks by ridge when GCV says so: few noisy windows") {
  // y = noise, unrelated to the 6 inputs: least squares would fit the noise; GCV picks a lambda above 0.
  const std::size_t count = 20, window = 6;
  seqlab::SequenceSet train;
  train.inputs = seqlab::Tensor3::from_shape({count, window, 1});
  train.targets = seqlab::Tensor3::from_shape({count, 1, 1});
  unsigned state = 777;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return static_cast<float>((state >> 8) % 1000) / 500.0f - 1.0f;
  };
  for (std::size_t n = 0; n < count; ++n) {
    for (std::size_t k = 0; k < window; ++k) train.inputs(n, k, 0) = next();
    train.targets(n, 0, 0) = next();
  }
  const auto fit = seqlab::fit_linear_autoregression(train);
  CHECK(fit.lambda > 0);
  CHECK_FALSE(seqlab::linear_autoregression_note(fit).empty());  // 20 windows for 7 coefficients
}
