// Undoing a dataset's target transform: normalisation, then the differences in reverse order, then log / log1p.
#include "forecast/target_inversion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace seqlab {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Per target: its outputs' indices by step (-1 where no output has that step).
std::vector<std::vector<long long>> outputs_by_step(const std::vector<OutputFeature>& outputs, std::size_t targets) {
  std::vector<std::vector<long long>> by(targets);
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    auto& steps = by.at(outputs[o].target);
    if (steps.size() <= outputs[o].step) steps.resize(outputs[o].step + 1, -1);
    steps[outputs[o].step] = static_cast<long long>(o);
  }
  return by;
}

}  // namespace

Feature target_unit(const DataDescription& d, std::size_t target) {
  return target < d.targets.size() ? d.targets[target] : Feature{"target " + std::to_string(target)};
}

TargetInversion::TargetInversion(const DataDescription& description, const DataSeries& series)
    : description_(description),
      identity_((description.transform.empty() || description.transform == "none") && description.difference.empty()) {
  if (series.targets.dimension() == 2 && series.targets.size() > 0) levels_ = target_levels(series, description);
}

double TargetInversion::transformed(double level) const {
  if (description_.transform == "log") return std::log(level);
  if (description_.transform == "log1p") return std::log1p(level);
  return level;
}

double TargetInversion::untransformed(double value) const {
  if (description_.transform == "log") return std::exp(value);
  if (description_.transform == "log1p") return std::expm1(value);
  return value;
}

double TargetInversion::observed(std::size_t k, long long row, std::size_t target) const {
  if (row < 0 || row >= static_cast<long long>(levels_.shape()[0])) return kMissing;
  if (k == 0) return transformed(levels_(static_cast<std::size_t>(row), target));
  const auto lag = static_cast<long long>(description_.difference[k - 1]);
  return observed(k - 1, row, target) - observed(k - 1, row - lag, target);
}

xt::xtensor<double, 2> TargetInversion::to_data(const xt::xtensor<double, 2>& values,
                                                const std::vector<std::size_t>& last_rows,
                                                const std::vector<OutputFeature>& outputs) const {
  const std::size_t count = values.shape()[0];
  xt::xtensor<double, 2> out = xt::xtensor<double, 2>::from_shape({count, outputs.size()});
  if (identity_) {
    for (std::size_t n = 0; n < count; ++n)
      for (std::size_t o = 0; o < outputs.size(); ++o) out(n, o) = outputs[o].to_data(values(n, o));
    return out;
  }
  if (last_rows.size() != count || levels_.size() == 0)
    throw std::logic_error("TargetInversion::to_data: a transformed target needs the series and each window's row");
  const std::size_t lags = description_.difference.size();
  std::size_t targets = 0;
  for (const auto& o : outputs) targets = std::max(targets, o.target + 1);
  const auto by_step = outputs_by_step(outputs, targets);
  // d[k][h]: D_k at the window's step h (row last + 1 + h), from D_lags (the model's, denormalised) down to D_0.
  std::vector<std::vector<double>> d(lags + 1);
  for (std::size_t n = 0; n < count; ++n) {
    const auto last = static_cast<long long>(last_rows[n]);
    for (std::size_t j = 0; j < targets; ++j) {
      const auto& steps = by_step[j];
      for (auto& level : d) level.assign(steps.size(), kMissing);
      for (std::size_t h = 0; h < steps.size(); ++h) {
        if (steps[h] >= 0) {
          const auto o = static_cast<std::size_t>(steps[h]);
          d[lags][h] = outputs[o].to_data(values(n, o));
        }
        const long long row = last + 1 + static_cast<long long>(h);
        for (std::size_t k = lags; k > 0; --k) {
          // D_{k-1}[r] = D_k[r] + D_{k-1}[r - lag_k]: observed up to the window's last row, else predicted.
          const long long back = row - static_cast<long long>(description_.difference[k - 1]);
          const double before =
              back <= last ? observed(k - 1, back, j) : d[k - 1][static_cast<std::size_t>(back - last - 1)];
          d[k - 1][h] = d[k][h] + before;
        }
        if (steps[h] >= 0) out(n, static_cast<std::size_t>(steps[h])) = untransformed(d[0][h]);
      }
    }
  }
  return out;
}

xt::xtensor<double, 3> TargetInversion::to_data(const Tensor3& values, const SequenceSet& set,
                                                const std::vector<OutputFeature>& outputs) const {
  const std::size_t count = values.shape()[0], steps = values.shape()[1], width = values.shape()[2];
  xt::xtensor<double, 3> out = xt::xtensor<double, 3>::from_shape({count, steps, width});
  xt::xtensor<double, 2> slice = xt::xtensor<double, 2>::from_shape({count, width});
  std::vector<std::size_t> last_rows(identity_ ? 0 : count);
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t n = 0; n < count; ++n) {
      for (std::size_t o = 0; o < width; ++o) slice(n, o) = values(n, t, o);
      // Target step t follows input step t: the window's last row minus the steps after it.
      if (!identity_) last_rows[n] = set.last_rows.at(n) - (steps - 1 - t);
    }
    const auto step = to_data(slice, last_rows, outputs);
    for (std::size_t n = 0; n < count; ++n)
      for (std::size_t o = 0; o < width; ++o) out(n, t, o) = step(n, o);
  }
  return out;
}

xt::xtensor<double, 3> TargetInversion::truths(const SequenceSet& set,
                                               const std::vector<OutputFeature>& outputs) const {
  if (identity_) return to_data(set.targets, set, outputs);
  const std::size_t count = set.targets.shape()[0], steps = set.targets.shape()[1], width = set.targets.shape()[2];
  xt::xtensor<double, 3> out = xt::xtensor<double, 3>::from_shape({count, steps, width});
  for (std::size_t n = 0; n < count; ++n)
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t o = 0; o < width; ++o) {
        const std::size_t row = set.last_rows.at(n) + 1 + outputs[o].step + t - (steps - 1);
        out(n, t, o) = row < levels_.shape()[0] ? levels_(row, outputs[o].target) : kMissing;
      }
  return out;
}

xt::xtensor<double, 2> TargetInversion::forecast_to_data(const Tensor2& values) const {
  const std::size_t steps = values.shape()[0], targets = values.shape()[1];
  std::vector<OutputFeature> outputs;
  xt::xtensor<double, 2> flat = xt::xtensor<double, 2>::from_shape({1, steps * targets});
  for (std::size_t h = 0; h < steps; ++h)
    for (std::size_t j = 0; j < targets; ++j) {
      const Feature unit = target_unit(description_, j);
      outputs.push_back({unit.name, j, h, unit.offset, unit.scale});
      flat(0, h * targets + j) = values(h, j);
    }
  const std::vector<std::size_t> last{levels_.shape()[0] == 0 ? 0 : levels_.shape()[0] - 1};
  const auto data = to_data(flat, last, outputs);
  xt::xtensor<double, 2> out = xt::xtensor<double, 2>::from_shape({steps, targets});
  for (std::size_t h = 0; h < steps; ++h)
    for (std::size_t j = 0; j < targets; ++j) out(h, j) = data(0, h * targets + j);
  return out;
}

}  // namespace seqlab
