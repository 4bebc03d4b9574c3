// Log / log1p and differencing of the csv dataset's target columns, keeping the levels they came from.
// Tested in tests/plugins/csv/test_csv_transform.cpp
#include "target_transform.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <seqlab/params.hpp>

#include "cells.hpp"

namespace seqlab::csv {

namespace {

std::string number_text(double v) {
  std::ostringstream out;
  out.precision(7);
  out << v;
  return out.str();
}

// The transform of one value, or a ParamError naming where it is when the transform has none.
double transformed(const Table& table, std::size_t column, std::size_t row, const std::string& kind) {
  const double v = table.columns[column].values[row];
  if (kind == "none" || std::isnan(v)) return v;
  const bool log = kind == "log";
  if (log ? v > 0 : v > -1) return log ? std::log(v) : std::log1p(v);
  const Column& c = table.columns[column];
  throw ParamError("transform", table.header.path + ":" + std::to_string(table.lines.line_of(row)) + ":" +
                                    std::to_string(c.file_index + 1) + " (column " + quoted_cell(c.name) +
                                    "): " + number_text(v) + " has no " + kind + " (transform: " + kind +
                                    " needs every " + "target value " + (log ? "> 0" : "> -1") + "); " +
                                    (log ? "use transform: log1p for counts with zeros (values > -1), or transform: "
                                           "none"
                                         : "use transform: none") +
                                    " and perhaps difference: [1] for a trend");
}

}  // namespace

std::vector<std::size_t> difference_lags(const std::vector<double>& values) {
  std::vector<std::size_t> lags;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= 1) || v != std::floor(v) || v > 1e6)
      throw ParamError("difference", "lag " + std::to_string(i + 1) + " is " + number_text(v) +
                                         "; each lag is a whole number of rows >= 1, e.g. [1] for a trend, [12] "
                                         "for a monthly season, [1, 12] for both");
    lags.push_back(static_cast<std::size_t>(v));
  }
  return lags;
}

Tensor2 apply_target_transform(Table& table, const TargetTransform& transform) {
  const std::size_t rows = table.rows(), targets = table.targets.size();
  Tensor2 levels = Tensor2::from_shape({rows, targets});
  std::vector<double> d(rows);
  for (std::size_t j = 0; j < targets; ++j) {
    std::vector<float>& values = table.columns[table.targets[j]].values;
    for (std::size_t r = 0; r < rows; ++r) {
      levels(r, j) = values[r];
      d[r] = transformed(table, table.targets[j], r, transform.kind);
    }
    // D_k[r] = D_{k-1}[r] - D_{k-1}[r - lag_k], from the last row back so each reads the level below unchanged.
    for (std::size_t lag : transform.lags)
      for (std::size_t r = rows; r-- > 0;)
        d[r] = r >= lag ? d[r] - d[r - lag] : std::numeric_limits<double>::quiet_NaN();
    for (std::size_t r = 0; r < rows; ++r) values[r] = static_cast<float>(d[r]);
  }
  return levels;
}

}  // namespace seqlab::csv
