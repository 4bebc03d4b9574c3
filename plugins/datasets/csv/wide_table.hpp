// The csv dataset's wide tables: one row per year (or other period), one column per sub-period (JAN ... DEC,
// Q1 ... Q4), read as one series in time order.
#pragma once

#include <string>
#include <vector>

#include "table.hpp"

namespace seqlab::csv {

struct WideOptions {
  std::vector<std::string> columns;  // the sub-period columns in order, by header name or 0-based index
  std::string period = "auto";       // auto (from the names) | month | quarter
};

// The sub-periods per row the names stand for: 12 (months: JAN, January, 1 ... 12) or 4 (Q1 ... Q4). Throws
// ParamError("wide_columns") naming the column that is not a sub-period in its place; with `period` given the
// names are not read, only counted.
std::size_t wide_period_length(const std::vector<std::string>& names, const std::string& period);

// Reads the file and returns it as one series (a single column that is input and target, named after the file):
// row r, sub-period k becomes row r * P + k. A numeric time column holds years; the time becomes the date of the
// sub-period's first day. Empty cells before the first and after the last value (a year not yet complete) are
// left out; gaps between follow `missing` as in a long table.
Table read_wide_table(const ReadOptions& options, const WideOptions& wide);

}  // namespace seqlab::csv
