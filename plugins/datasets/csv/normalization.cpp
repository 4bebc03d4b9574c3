// The csv dataset's normalisation: per column, fitted on the training period's rows only.
#include "normalization.hpp"

#include <algorithm>
#include <cmath>

namespace seqlab::csv {

Units fit_units(const std::vector<float>& values, std::size_t rows, const std::string& method, bool& constant,
                bool& empty) {
  constant = empty = false;
  if (method == "none") return {};
  // Two passes in double: exact enough for millions of float32 values, where one-pass sums lose digits.
  double sum = 0, low = INFINITY, high = -INFINITY;
  std::size_t count = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const double v = values[i];
    if (std::isnan(v)) continue;
    sum += v;
    low = std::min(low, v);
    high = std::max(high, v);
    ++count;
  }
  if (count == 0) {
    empty = true;
    return {};
  }
  Units units;
  if (method == "minmax") {
    units = {low, high - low};
  } else {
    const double mean = sum / static_cast<double>(count);
    double squares = 0;
    for (std::size_t i = 0; i < rows; ++i)
      if (!std::isnan(values[i])) squares += (values[i] - mean) * (values[i] - mean);
    units = {mean, std::sqrt(squares / static_cast<double>(count))};
  }
  if (!(units.scale > 0)) {
    constant = true;
    units.scale = 1;
  }
  return units;
}

void apply_units(std::vector<float>& values, const Units& units) {
  if (units.offset == 0 && units.scale == 1) return;
  for (float& v : values) v = static_cast<float>((static_cast<double>(v) - units.offset) / units.scale);
}

}  // namespace seqlab::csv
