// Reading a wide table (a year per row, a month or quarter per column) as one long series.
// Tested in tests/plugins/csv/test_csv_wide.cpp
#include "wide_table.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <seqlab/params.hpp>

#include "cells.hpp"
#include "time_parsing.hpp"

namespace seqlab::csv {

namespace {

std::string lowered(std::string_view text) {
  std::string out;
  for (char ch : trimmed(text)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The sub-period a name stands for (1-based) and its kind, 12 for a month and 4 for a quarter; 0 when none.
std::pair<int, std::size_t> sub_period_of(const std::string& name) {
  static const char* months[] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};
  const std::string n = lowered(name);
  for (int m = 0; m < 12; ++m) {
    const std::string full = months[m];
    if (n == full || n == full.substr(0, 3) || (m == 8 && n == "sept")) return {m + 1, 12};
  }
  if (n.size() == 2 && n[0] == 'q' && n[1] >= '1' && n[1] <= '4') return {n[1] - '0', 4};
  double v = 0;
  if (parse_double(n, v) && v >= 1 && v <= 12 && v == std::floor(v)) return {static_cast<int>(v), 0};  // 0: either
  return {0, 0};
}

std::string wide_text(const std::vector<std::string>& names) { return "[" + listed_names(names) + "]"; }

}  // namespace

std::size_t wide_period_length(const std::vector<std::string>& names, const std::string& period) {
  if (period == "month" || period == "quarter") {
    const std::size_t length = period == "month" ? 12 : 4;
    if (names.size() != length)
      throw ParamError("wide_columns", "wide_period: " + period + " needs " + std::to_string(length) +
                                           " columns, one per " + period + " in order; " + wide_text(names) + " has " +
                                           std::to_string(names.size()));
    return length;
  }
  // Numbers 1..12 are months, 1..4 quarters; names say which themselves.
  std::size_t length = names.size() == 4 ? 4 : 12;
  for (const auto& name : names)
    if (sub_period_of(name).second != 0) length = sub_period_of(name).second;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto [index, kind] = sub_period_of(names[k]);
    if (index == 0 || (kind != 0 && kind != length))
      throw ParamError("wide_columns", "cannot infer the period of the wide table from column " +
                                           quoted_cell(names[k]) +
                                           ": it is not a month (JAN or January), a quarter (Q1-Q4) or a number "
                                           "1-12 like the others; rename it, or set wide_period: month|quarter");
    if (static_cast<std::size_t>(index) != k + 1)
      throw ParamError("wide_columns", "column " + quoted_cell(names[k]) + " is " +
                                           (length == 12 ? "month " : "quarter ") + std::to_string(index) +
                                           " but stands at place " + std::to_string(k + 1) + " of " + wide_text(names) +
                                           "; list the columns in time order");
  }
  if (names.size() != length)
    throw ParamError("wide_columns", wide_text(names) + " has " + std::to_string(names.size()) + " columns, not the " +
                                         std::to_string(length) + (length == 12 ? " months" : " quarters") +
                                         " of a year; list them all, in order");
  return length;
}

Table read_wide_table(const ReadOptions& options, const WideOptions& wide) {
  if (!options.columns.empty() || !options.targets.empty())
    throw ParamError("wide_columns",
                     "a wide table is read as one series, its input and target; leave columns: and "
                     "targets: out (wide_columns names the columns)");
  const std::size_t length = wide_period_length(wide.columns, wide.period);
  ReadOptions read = options;
  read.columns = wide.columns;
  read.missing = Missing::drop;  // gaps are judged on the long series, where a trailing empty month is no gap
  Table rows;
  try {
    rows = read_table(read);
  } catch (const ParamError& e) {
    if (e.param() != "columns") throw;
    throw ParamError("wide_columns", e.what());
  }
  if (rows.time_kind == TimeKind::date)
    throw ParamError("time_column", rows.header.path + ": the time column " + quoted_cell(rows.time_name) +
                                        " of a wide table must hold years (numbers like 1950), not dates");
  // The long series, cell by cell in time order; the row's line and the cell's column kept for messages.
  const std::size_t cells = rows.rows() * length;
  const auto value = [&](std::size_t i) { return rows.columns[rows.inputs[i % length]].values[i / length]; };
  std::size_t first = 0, last = cells;
  while (first < cells && std::isnan(value(first))) ++first;
  while (last > first && std::isnan(value(last - 1))) --last;
  if (first == last)
    throw ParamError("wide_columns", rows.header.path + ": the columns " + wide_text(wide.columns) + " hold no value");
  Table table;
  table.header = rows.header;
  table.delimiter = rows.delimiter;
  table.columns.push_back(
      {rows.columns[rows.inputs[0]].file_index, std::filesystem::path(options.path).stem().string(), {}});
  table.inputs = {0};
  table.targets = {0};
  Column& series = table.columns.front();
  for (std::size_t i = first; i < last; ++i) {
    const std::size_t row = i / length;
    const std::size_t line = rows.lines.line_of(row);
    table.lines.add(i - first, line);
    series.values.push_back(value(i));
    if (std::isnan(value(i)) && options.missing == Missing::error) {
      const std::size_t column = rows.columns[rows.inputs[i % length]].file_index;
      throw ParamError("missing", rows.header.path + ":" + std::to_string(line) + ":" + std::to_string(column + 1) +
                                      " (column " + quoted_cell(wide.columns[i % length]) +
                                      "): missing value inside the series; with missing: error (the default) only "
                                      "the cells before its first and after its last value may be empty: fix it, or "
                                      "set missing: interpolate, ffill or drop");
    }
    if (rows.times.empty()) continue;
    const double year = rows.times[row];
    if (year != std::floor(year) || year < 1 || year > 9999)
      throw ParamError("time_column", rows.header.path + ":" + std::to_string(line) + ": the time column " +
                                          quoted_cell(rows.time_name) +
                                          " of a wide table must hold years (whole "
                                          "numbers 1 to 9999); it holds " +
                                          std::to_string(year));
    const int month = 1 + static_cast<int>(i % length) * static_cast<int>(12 / length);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-01", static_cast<int>(year), month);
    double seconds = 0;
    std::string why;
    parse_iso_time(date, seconds, why);
    table.times.push_back(seconds);
  }
  if (!rows.times.empty()) {
    table.time_name = "date";
    table.time_kind = TimeKind::date;
  }
  table.history_rows = table.rows();  // a wide table has no future rows: its trailing empty cells are left out
  if (last < cells)
    std::cerr << "csv: " << options.path << ": the last " << cells - last
              << " cell(s) of the wide table are empty: the series ends before them\n";
  return table;
}

}  // namespace seqlab::csv
