// The csv dataset's normalisation: per column, fitted on the training period's rows only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace seqlab::csv {

// data = model * scale + offset
struct Units {
  double offset = 0;
  double scale = 1;
};

// Fitted on values[0, rows), gaps (NaN) left out. zscore: mean and population standard deviation; minmax:
// minimum and range; none: 0 and 1. A constant column gets scale 1 and `constant` set; a column with no
// value there gets 0 and 1 and `empty` set.
Units fit_units(const std::vector<float>& values, std::size_t rows, const std::string& method, bool& constant,
                bool& empty);

// values = (values - offset) / scale, in place (gaps stay NaN).
void apply_units(std::vector<float>& values, const Units& units);

}  // namespace seqlab::csv
