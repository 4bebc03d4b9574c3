// The csv dataset's chronological split of rows into training, validation and test periods.
#pragma once

#include <array>
#include <cstddef>

namespace seqlab::csv {

// Rows [0, train_end) train, [train_end, validation_end) validate, [validation_end, rows) test: the cumulative
// fractions times the rows, rounded down.
struct Periods {
  std::size_t train_end = 0, validation_end = 0, rows = 0;
  std::size_t begin(int period) const { return period == 0 ? 0 : period == 1 ? train_end : validation_end; }
  std::size_t end(int period) const { return period == 0 ? train_end : period == 1 ? validation_end : rows; }
  int of(std::size_t row) const { return row < train_end ? 0 : row < validation_end ? 1 : 2; }
};

inline Periods split_rows(std::size_t rows, const std::array<double, 3>& fractions) {
  // The epsilon keeps 0.7 * 100 from becoming 69.99999 and losing a row.
  const auto at = [&](double fraction) {
    const auto row = static_cast<std::size_t>(static_cast<double>(rows) * fraction + 1e-9);
    return row < rows ? row : rows;
  };
  const std::size_t train_end = at(fractions[0]);
  const std::size_t validation_end = fractions[2] == 0 ? rows : at(fractions[0] + fractions[1]);
  return {train_end, validation_end < train_end ? train_end : validation_end, rows};
}

inline const char* period_name(int period) { return period == 0 ? "training" : period == 1 ? "validation" : "test"; }

}  // namespace seqlab::csv
