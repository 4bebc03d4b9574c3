// Undoing target transforms: model-unit truths made by an independent forward transform come back as the data.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "forecast/target_inversion.hpp"

namespace {

using Matrix = xt::xtensor<double, 2>;

// One target, `rows` rows of f(t), stored as float as a dataset stores its data.
seqlab::DataSeries series_of(std::size_t rows, double (*f)(double)) {
  seqlab::DataSeries s;
  s.inputs = seqlab::Tensor2::from_shape({rows, 1});
  s.targets = seqlab::Tensor2::from_shape({rows, 1});
  s.levels = seqlab::Tensor2::from_shape({rows, 1});
  for (std::size_t r = 0; r < rows; ++r) s.levels(r, 0) = static_cast<float>(f(static_cast<double>(r)));
  s.window = 4;
  return s;
}

// The forward transform written out plainly (not through the inversion's code): T, then each difference.
std::vector<double> forward(const seqlab::DataSeries& s, const std::string& transform, std::vector<std::size_t> lags) {
  std::vector<double> d;
  for (std::size_t r = 0; r < s.levels.shape()[0]; ++r) {
    const double v = s.levels(r, 0);
    d.push_back(transform == "log" ? std::log(v) : transform == "log1p" ? std::log1p(v) : v);
  }
  for (std::size_t lag : lags) {
    std::vector<double> next(d.size(), NAN);
    for (std::size_t r = lag; r < d.size(); ++r) next[r] = d[r] - d[r - lag];
    d = next;
  }
  return d;
}

seqlab::DataDescription described(const std::string& transform, std::vector<std::size_t> lags, double offset,
                                  double scale, std::size_t horizon) {
  seqlab::DataDescription d;
  d.targets = {{"y", offset, scale}};
  d.horizon = horizon;
  d.transform = transform;
  d.difference = std::move(lags);
  return d;
}

std::vector<seqlab::OutputFeature> outputs_of(const seqlab::DataDescription& d) {
  return seqlab::output_features(d, d.horizon, "test");
}

// Windows ending at `last_rows`, each output the model-unit truth of its row: (d - offset) / scale.
Matrix model_truths(const std::vector<double>& d, const seqlab::DataDescription& desc,
                    const std::vector<std::size_t>& last_rows) {
  Matrix m = Matrix::from_shape({last_rows.size(), desc.horizon});
  const auto& unit = desc.targets[0];
  for (std::size_t n = 0; n < last_rows.size(); ++n)
    for (std::size_t h = 0; h < desc.horizon; ++h) m(n, h) = (d[last_rows[n] + 1 + h] - unit.offset) / unit.scale;
  return m;
}

double exp_trend(double t) { return 5 * std::exp(0.01 * t); }
double seasonal(double t) { return 1000 + 3 * t + 80 * std::sin(2 * M_PI * t / 12) + 7 * std::cos(0.9 * t); }
double counts(double t) { return std::fmod(t * 7, 11); }  // 0 .. 10, zeros included

void check_relative(double got, double want, double tolerance) {
  CAPTURE(got);
  CAPTURE(want);
  CHECK(std::abs(got - want) <= tolerance * std::max(1.0, std::abs(want)));
}

}  // namespace

TEST_CASE("log + [1]: the inverse of the model-unit truths is the data, y = 5 exp(0.01 t)") {
  const auto s = series_of(200, exp_trend);
  const auto desc = described("log", {1}, 0.01, 0.002, 1);
  const seqlab::TargetInversion inversion(desc, s);
  CHECK_FALSE(inversion.identity());
  std::vector<std::size_t> last_rows;
  for (std::size_t r = 1; r + 1 < 200; r += 7) last_rows.push_back(r);
  const auto data =
      inversion.to_data(model_truths(forward(s, "log", {1}), desc, last_rows), last_rows, outputs_of(desc));
  for (std::size_t n = 0; n < last_rows.size(); ++n) check_relative(data(n, 0), s.levels(last_rows[n] + 1, 0), 1e-9);
}

TEST_CASE("[1, 12] with horizon 3: later steps integrate from the earlier predicted ones") {
  const auto s = series_of(120, seasonal);
  const auto desc = described("none", {1, 12}, 0.5, 4.0, 3);
  const seqlab::TargetInversion inversion(desc, s);
  const std::vector<std::size_t> last_rows = {13, 40, 77, 116};
  Matrix model = model_truths(forward(s, "none", {1, 12}), desc, last_rows);
  const auto outputs = outputs_of(desc);
  const auto data = inversion.to_data(model, last_rows, outputs);
  for (std::size_t n = 0; n < last_rows.size(); ++n)
    for (std::size_t h = 0; h < 3; ++h) check_relative(data(n, h), s.levels(last_rows[n] + 1 + h, 0), 1e-9);
  // An error of e in step 0's difference carries into steps 1 and 2 (lag 1 reads the predicted step 0): the
  // model's own earlier steps, not the observed rows, feed the later ones.
  model(1, 0) += 0.25;  // 0.25 model units = 1.0 in the data's units (scale 4)
  const auto shifted = inversion.to_data(model, last_rows, outputs);
  for (std::size_t h = 0; h < 3; ++h) check_relative(shifted(1, h) - data(1, h), 1.0, 1e-9);
  check_relative(shifted(0, 0), data(0, 0), 0);
}

TEST_CASE("log1p + [12] takes zeros, and a set's sequence steps each integrate from the observed rows") {
  const auto s = series_of(60, counts);
  const auto desc = described("log1p", {12}, -0.1, 0.7, 1);
  const seqlab::TargetInversion inversion(desc, s);
  const auto d = forward(s, "log1p", {12});
  // target: sequence, window 4: step t of a window ending at row L predicts row L - 3 + t + 1.
  seqlab::SequenceSet set;
  const std::vector<std::size_t> last_rows = {15, 30, 58};
  set.last_rows = last_rows;
  set.inputs = seqlab::Tensor3::from_shape({3, 4, 1});
  set.targets = seqlab::Tensor3::from_shape({3, 4, 1});
  xt::xtensor<double, 3> exact = xt::xtensor<double, 3>::from_shape({3, 4, 1});
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t t = 0; t < 4; ++t) {
      const std::size_t row = last_rows[n] - 3 + t + 1;
      set.targets(n, t, 0) = static_cast<float>((d[row] + 0.1) / 0.7);
      exact(n, t, 0) = s.levels(row, 0);
    }
  const auto outputs = outputs_of(desc);
  const auto truths = inversion.truths(set, outputs);
  const auto back = inversion.to_data(set.targets, set, outputs);  // float model units: within float's precision
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t t = 0; t < 4; ++t) {
      CHECK(truths(n, t, 0) == exact(n, t, 0));
      check_relative(back(n, t, 0), exact(n, t, 0), 1e-5);
    }
}

TEST_CASE("a forecast integrates as one window from the series' last row") {
  const auto s = series_of(50, seasonal);
  const auto desc = described("none", {1}, 3.0, 2.0, 1);
  const seqlab::TargetInversion inversion(desc, s);
  seqlab::Tensor2 steps = seqlab::Tensor2::from_shape({4, 1});
  for (std::size_t k = 0; k < 4; ++k) steps(k, 0) = 1.0f;  // each step: +5 in the data's units (1 * 2 + 3)
  const auto data = inversion.forecast_to_data(steps);
  for (std::size_t k = 0; k < 4; ++k) check_relative(data(k, 0), s.levels(49, 0) + 5.0 * (k + 1), 1e-12);
}

TEST_CASE("without a transform every value is OutputFeature::to_data of itself, bit for bit") {
  seqlab::DataSeries s = series_of(30, seasonal);
  s.levels = {};
  for (std::size_t r = 0; r < 30; ++r) s.targets(r, 0) = static_cast<float>(r) * 0.37f - 2;
  const auto desc = described("none", {}, 11.25, 0.3, 2);
  const seqlab::TargetInversion inversion(desc, s);
  CHECK(inversion.identity());
  const auto outputs = outputs_of(desc);
  Matrix model = Matrix::from_shape({2, 2});
  model = {{0.1f, -1.7f}, {2.3f, 0.004f}};
  const auto data = inversion.to_data(model, {}, outputs);
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t o = 0; o < 2; ++o) CHECK(data(n, o) == outputs[o].to_data(model(n, o)));
  CHECK(inversion.levels()(7, 0) == static_cast<double>(s.targets(7, 0)) * 0.3 + 11.25);
}
