// What the csv dataset's reader returns: the kept columns as floats, the time column, and the header.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>
#include <seqlab/dataset.hpp>

#include "column_names.hpp"

namespace seqlab::csv {

enum class Missing { error, drop, interpolate, ffill };

struct ReadOptions {
  std::string path;                  // absolute
  std::vector<std::string> columns;  // inputs; empty: every numeric column but the time column
  std::vector<std::string> targets;  // empty: the first input
  std::string time_column;           // empty: none
  std::string header = "auto";       // auto | true | false
  std::string delimiter = "auto";    // auto | , | ; | tab
  Missing missing = Missing::error;
  std::string time_format;  // empty: ISO-8601 dates or numbers (YYYYMMDD integers as dates); "number"; strftime
  // Trailing rows whose targets are all gaps are future rows (known-future inputs): not refused as gaps, counted
  // apart (Table::history_rows).
  bool future_rows = false;
};

// One column used as an input, a target or both, stored once.
struct Column {
  std::size_t file_index = 0;  // 0-based in the file
  std::string name;            // feature_name(): the header name, or the 0-based index
  std::vector<float> values;   // one per data row; NaN where the cell is a gap
};

// The line (1-based) each data row starts on, for messages about a value found after reading. Kept as the rows
// where a row does not start on the line after the previous row's (after blank lines, comments or a quoted line
// break): one entry for a plain file, never more than one per row.
class RowLines {
 public:
  void add(std::size_t row, std::size_t line) {  // rows in order, from 0
    if (jumps_.empty() || line != jumps_.back().second + (row - jumps_.back().first)) jumps_.push_back({row, line});
  }
  std::size_t line_of(std::size_t row) const {
    const auto after =
        std::upper_bound(jumps_.begin(), jumps_.end(), row,
                         [](std::size_t r, const std::pair<std::size_t, std::size_t>& j) { return r < j.first; });
    if (after == jumps_.begin()) return 0;
    const auto& jump = *(after - 1);
    return jump.second + (row - jump.first);
  }

 private:
  std::vector<std::pair<std::size_t, std::size_t>> jumps_;  // (row, line)
};

struct Table {
  HeaderInfo header;
  std::vector<Column> columns;      // inputs first, then targets that are not inputs
  std::vector<std::size_t> inputs;  // indices into `columns`, in the order of `columns:`
  std::vector<std::size_t> targets;
  std::vector<double> times;  // per row; empty without a time column
  RowLines lines;             // where each row is in the file
  std::string time_name;
  TimeKind time_kind = TimeKind::none;
  char delimiter = ',';
  bool yyyymmdd = false;  // the time column held integers read as YYYYMMDD dates
  // Rows [0, history_rows) are the series; the rest (only with ReadOptions::future_rows) are future rows.
  std::size_t history_rows = 0;
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().values.size(); }
};

// Streams the file through libcsv once. Refuses bad data with seqlab::ParamError naming file:line:column.
// Gaps (missing values) are NaN; policy checks that need the file's lines (missing: error, a gap at the start
// for ffill and interpolate, at the end for interpolate) are made here.
Table read_table(const ReadOptions& options);

}  // namespace seqlab::csv
