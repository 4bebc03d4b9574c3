// Values the csv dataset must not train on silently: one far outside its column (a fill value such as 1e20 standing
// for a missing one) and one that normalisation would carry beyond float32.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "normalization.hpp"
#include "table.hpp"

namespace seqlab::csv {

// How far is too far: a million robust standard deviations. Real data hardly reaches 10; a fill value of 1e20 in
// a column of magnitude 1e3 is 1e17 away.
inline constexpr double kOutlierDeviations = 1e6;

// A column's centre and robust standard deviation over the reference rows, and how the latter was found.
struct RobustSpread {
  double median = 0, deviation = 0;
  std::string basis;
  bool empty = true;  // no value in the reference rows: nothing to measure against
};

// Over values[0, rows), gaps (NaN) left out. The deviation is 1.4826 x the median absolute deviation (MAD), which
// one huge value cannot move. When the MAD is 0 (over half the values equal the median: a column of mostly zeros,
// such as rainfall or counts) it is 1.4826 x the median of the deviations that are not 0: the mean absolute
// deviation and the range would be pulled up by the very fill value looked for (one 1e20 among 1000 rows makes
// the mean absolute deviation 1e17 and the range 1e20), this median is not while fill values are fewer than half
// of the values off the median. When every value equals the median (a constant column) there is no spread to
// measure, and the median's magnitude, at least 1, stands in for it.
RobustSpread robust_spread(const std::vector<float>& values, std::size_t rows);

// Refuses (seqlab::ParamError "outliers") the first value, in file order, more than kOutlierDeviations robust
// standard deviations from its column's median over rows [0, reference_rows), naming file:line:column, the
// column, the spread and, when the value is one, the fill value it looks like. `reference` says which rows
// those are ("the training period (data rows 1 to 210)").
void check_outliers(const Table& table, std::size_t reference_rows, const std::string& reference);

// Refuses (seqlab::ParamError "normalize") the first value that (value - offset) / scale would carry beyond
// float32's range, which no model could take; `method` names the normalisation for the message.
void check_normalised_range(const Table& table, const std::vector<Units>& units, const std::string& method);

// " 1e+20 is a common fill value for missing data (...)" when `value` is one of the fill values in use, else "".
std::string fill_value_note(double value);

}  // namespace seqlab::csv
