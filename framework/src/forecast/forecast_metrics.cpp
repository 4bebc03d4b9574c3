// Forecast error metrics: sums of errors over the kept values, then the means.
#include "forecast/forecast_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace seqlab {

namespace {

struct Sums {
  double squared = 0, absolute = 0, scaled = 0, symmetric = 0;
  std::size_t values = 0, scaled_values = 0;
  void add(double truth, double predicted, double scale) {
    const double e = predicted - truth;
    // An explicit fused multiply-add: what the compiler made of `squared += e * e` before these metrics had a file
    // of their own (-march=native contracts it), so earlier runs' MSEs keep every bit, whatever inlining does now.
    squared = std::fma(e, e, squared);
    absolute += std::abs(e);
    const double denominator = std::abs(truth) + std::abs(predicted);
    symmetric += denominator > 0 ? 200 * std::abs(e) / denominator : 0.0;
    if (std::isfinite(scale) && scale > 0) {
      scaled += std::abs(e) / scale;
      ++scaled_values;
    }
    ++values;
  }
  ForecastMetrics metrics() const {
    ForecastMetrics m;
    if (values == 0) return m;
    const double n = static_cast<double>(values);
    m.mse = squared / n;
    m.rmse = std::sqrt(squared / n);
    m.mae = absolute / n;
    m.smape = symmetric / n;
    // MASE only when every value has a scale: a mean over part of the targets would not say what it covers.
    if (scaled_values == values) m.mase = scaled / n;
    return m;
  }
};

}  // namespace

MetricBreakdown forecast_metrics(const xt::xtensor<double, 2>& truth, const xt::xtensor<double, 2>& predicted,
                                 const std::vector<bool>& kept, const std::vector<OutputFeature>& outputs,
                                 const std::vector<double>& mase_scale) {
  std::size_t steps = 1;
  for (const auto& o : outputs) steps = std::max(steps, o.step + 1);
  Sums overall;
  std::vector<Sums> per_target(mase_scale.size()), per_step(steps);
  for (std::size_t n = 0; n < truth.shape()[0]; ++n) {
    if (!kept[n]) continue;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const std::size_t j = outputs[o].target;
      const double scale = j < mase_scale.size() ? mase_scale[j] : ForecastMetrics::kNone;
      overall.add(truth(n, o), predicted(n, o), scale);
      if (j < per_target.size()) per_target[j].add(truth(n, o), predicted(n, o), scale);
      per_step[outputs[o].step].add(truth(n, o), predicted(n, o), scale);
    }
  }
  MetricBreakdown out;
  out.overall = overall.metrics();
  for (const auto& s : per_target) out.per_target.push_back(s.metrics());
  for (const auto& s : per_step) out.per_step.push_back(s.metrics());
  return out;
}

std::vector<double> seasonal_naive_mae(const xt::xtensor<double, 2>& levels, std::size_t rows_end, std::size_t season) {
  const std::size_t lag = std::max<std::size_t>(1, season);
  const std::size_t end = std::min(rows_end, levels.shape()[0]);
  std::vector<double> out;
  for (std::size_t j = 0; j < levels.shape()[1]; ++j) {
    double sum = 0;
    std::size_t pairs = 0;
    for (std::size_t t = lag; t < end; ++t) {
      const double d = levels(t, j) - levels(t - lag, j);
      if (!std::isfinite(d)) continue;
      sum += std::abs(d);
      ++pairs;
    }
    out.push_back(pairs ? sum / static_cast<double>(pairs) : ForecastMetrics::kNone);
  }
  return out;
}

}  // namespace seqlab
