// Values the csv dataset must not train on silently: one far outside its column (a fill value such as 1e20 standing
// for a missing one) and one that normalisation would carry beyond float32.
#include "outliers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <seqlab/params.hpp>

#include "cells.hpp"

namespace seqlab::csv {

namespace {

// Fill values that data sets write in place of a missing value, and who writes them. Named only in the message
// about a value the rule above caught: -9999 and -999 are usually within a million robust standard deviations
// and pass, as they always did.
struct FillValue {
  double value;
  const char* writer;
};
constexpr FillValue kFillValues[] = {
    {1e20, "the missing_value of CMIP climate model output, written by CMOR"},
    {9.969209968386869e36, "netCDF's default fill value for floats, NC_FILL_FLOAT, also NCL's"},
    {-1e34, "Ferret's and PyFerret's default missing value"},
    {3.4028234663852886e38, "float32's largest value, a NoData value of float rasters"},
    {-3.4028234663852886e38, "float32's lowest value, the NoData value of float rasters in ArcGIS and GDAL"},
    {-9999, "the missing value of FLUXNET and many station records, and of ESRI ASCII grids"},
    {-999, "a missing value of many station and sun photometer records, such as AERONET's"},
};

std::string number(double v, int digits) {
  char text[40];
  std::snprintf(text, sizeof text, "%.*g", digits, v);
  return text;
}

// The median of v (reordered): the mean of the two middle values for an even count.
double median_of(std::vector<double>& v) {
  const auto middle = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), middle, v.end());
  if (v.size() % 2 == 1) return *middle;
  return (*std::max_element(v.begin(), middle) + *middle) / 2;
}

std::string where(const Table& table, std::size_t row, std::size_t column) {
  const Column& c = table.columns[column];
  return table.header.path + ":" + std::to_string(table.lines.line_of(row)) + ":" + std::to_string(c.file_index + 1) +
         " (column " + quoted_cell(c.name) + ")";
}

}  // namespace

std::string fill_value_note(double value) {
  for (const FillValue& fill : kFillValues)
    if (std::abs(value - fill.value) <= 1e-6 * std::abs(fill.value))
      return number(fill.value, 7) + " is a common fill value for missing data (" + fill.writer + ")";
  return "";
}

RobustSpread robust_spread(const std::vector<float>& values, std::size_t rows) {
  RobustSpread spread;
  std::vector<double> v;  // one column's reference rows at a time, in double: no deviation overflows
  v.reserve(rows);
  for (std::size_t r = 0; r < rows; ++r)
    if (!std::isnan(values[r])) v.push_back(values[r]);
  if (v.empty()) return spread;
  spread.empty = false;
  spread.median = median_of(v);
  for (double& x : v) x = std::abs(x - spread.median);
  const double mad = median_of(v);
  if (mad > 0) {
    spread.deviation = 1.4826 * mad;
    spread.basis = "1.4826 x the median absolute deviation";
    return spread;
  }
  v.erase(std::remove(v.begin(), v.end(), 0.0), v.end());
  if (!v.empty()) {
    spread.deviation = 1.4826 * median_of(v);
    spread.basis =
        "1.4826 x the median of the deviations that are not 0 (over half the values equal the median, so the "
        "median absolute deviation is 0)";
    return spread;
  }
  spread.deviation = std::max(std::abs(spread.median), 1.0);
  spread.basis = "the median's magnitude, at least 1, as every value there equals the median";
  return spread;
}

void check_outliers(const Table& table, std::size_t reference_rows, const std::string& reference) {
  std::size_t first_row = table.rows(), first_column = 0;
  RobustSpread first_spread;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::vector<float>& values = table.columns[c].values;
    const RobustSpread spread = robust_spread(values, reference_rows);
    if (spread.empty) continue;
    const double limit = kOutlierDeviations * spread.deviation;
    // Only rows before the earliest found so far can come first in the file (a column to the left wins a tie).
    for (std::size_t r = 0; r < first_row; ++r) {
      if (!(std::abs(static_cast<double>(values[r]) - spread.median) > limit)) continue;  // NaN: a gap
      first_row = r;
      first_column = c;
      first_spread = spread;
      break;
    }
  }
  if (first_row == table.rows()) return;
  const double value = table.columns[first_column].values[first_row];
  const std::string fill = fill_value_note(value);
  throw ParamError(
      "outliers",
      where(table, first_row, first_column) + ": " + number(value, 7) + " is " +
          number(std::abs(value - first_spread.median) / first_spread.deviation, 3) +
          " robust standard deviations from the column's median " + number(first_spread.median, 7) +
          ", more than the " + number(kOutlierDeviations, 3) + " accepted (the robust standard deviation is " +
          number(first_spread.deviation, 4) + ": " + first_spread.basis + " over " + reference + "); " +
          (fill.empty() ? "if it stands for a missing value" : fill + ": if it stands for one here") +
          ", make it an empty cell or NA and choose missing: drop, interpolate or ffill; if it is a real value, set "
          "outliers: keep");
}

void check_normalised_range(const Table& table, const std::vector<Units>& units, const std::string& method) {
  const double largest = std::numeric_limits<float>::max();
  for (std::size_t r = 0; r < table.rows(); ++r)
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const double value = table.columns[c].values[r];
      const double normalised = (value - units[c].offset) / units[c].scale;
      if (std::isnan(value) || std::abs(normalised) <= largest) continue;
      throw ParamError("normalize", where(table, r, c) + ": " + number(value, 7) + " becomes " + number(normalised, 4) +
                                        " under " + method + " normalisation (offset " + number(units[c].offset, 7) +
                                        ", scale " + number(units[c].scale, 7) +
                                        "), beyond float32's largest value 3.4e+38, which no model can take (not "
                                        "even with outliers: keep); fix the value or leave it out");
    }
}

}  // namespace seqlab::csv
