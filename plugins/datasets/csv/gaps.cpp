// Filling the csv dataset's gaps (missing: interpolate and ffill) without letting a later period's values reach
// an earlier one.
#include "gaps.hpp"

#include <cmath>

namespace seqlab::csv {

namespace {

void fill_column(std::vector<float>& v, const std::vector<double>& times, Missing policy, const Periods& periods) {
  const auto time = [&](std::size_t row) { return times.empty() ? static_cast<double>(row) : times[row]; };
  const std::size_t n = v.size();
  for (std::size_t a = 0; a < n; ++a) {
    if (!std::isnan(v[a])) continue;
    std::size_t b = a;  // the gap is [a, b): v[a - 1] and v[b] are values
    while (b < n && std::isnan(v[b])) ++b;
    if (a == 0) {  // the reader refuses a gap at the start; should one come, it stays a gap
      a = b;
      continue;
    }
    const double before = v[a - 1];
    for (std::size_t i = a; i < b; ++i) {
      const bool interpolate = policy == Missing::interpolate && b < n && periods.of(i) == periods.of(b);
      if (!interpolate) {
        v[i] = static_cast<float>(before);
        continue;
      }
      const double share = (time(i) - time(a - 1)) / (time(b) - time(a - 1));
      v[i] = static_cast<float>(before + (static_cast<double>(v[b]) - before) * share);
    }
    a = b;
  }
}

}  // namespace

void fill_gaps(Table& table, Missing policy, const Periods& periods) {
  if (policy != Missing::interpolate && policy != Missing::ffill) return;
  for (Column& column : table.columns) fill_column(column.values, table.times, policy, periods);
}

}  // namespace seqlab::csv
