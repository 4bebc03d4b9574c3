// The csv dataset's `split` in its three forms: fractions, row counts, start times.
// Tested in tests/plugins/csv/test_csv_split.cpp
#include "split_choice.hpp"

#include <cmath>
#include <sstream>

#include "cells.hpp"
#include "time_parsing.hpp"

namespace seqlab::csv {

namespace {

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool has(const ParamMap& entries, const char* key) { return entries.count(key) != 0; }

// A row count of the mapping form: a whole number >= 0.
std::size_t count_of(const ParamMap& entries, const char* key) {
  const std::string& text = entries.at(key);
  double v = 0;
  if (!parse_double(text, v) || !(v >= 0) || v != std::floor(v) || v > 1e15)
    throw ParamError("split", std::string(key) + ": '" + text +
                                  "' is not a row count; give a whole number of rows >= 0, or " + key +
                                  "_from: a time in the time column's terms");
  return static_cast<std::size_t>(v);
}

// The first row whose time is at or after the value of `key`.
std::size_t first_row_from(const ParamMap& entries, const char* key, const Table& table) {
  const std::string& text = entries.at(key);
  const std::string count_key = std::string(key).substr(0, std::string(key).size() - 5);  // "test_from" -> "test"
  if (table.times.empty())
    throw ParamError("split", std::string(key) + " needs a time column to find '" + text +
                                  "' in (set time_column), or give " + count_key + ": ROWS as a row count");
  double at = 0;
  std::string why;
  const bool dates = table.time_kind == TimeKind::date;
  if (dates ? !parse_iso_time(text, at, why) : !parse_double(text, at))
    throw ParamError("split", std::string(key) + ": '" + text + "' is not " +
                                  (dates ? "a date like 1959-01-01 (" + why + ")" : "a number") +
                                  ", as the time column " + quoted_cell(table.time_name) + " is " +
                                  (dates ? "dates" : "numbers"));
  for (std::size_t r = 0; r < table.times.size(); ++r)
    if (table.times[r] >= at) return r;
  throw ParamError("split", std::string(key) + ": '" + text + "' is after the last data row (row " +
                                std::to_string(table.times.size()) + ", line " +
                                std::to_string(table.lines.line_of(table.times.size() - 1)) +
                                "), so that period would be empty; give a time within the data, or " + count_key +
                                ": ROWS");
}

}  // namespace

bool SplitChoice::wanted(int period) const {
  if (by_fractions()) return fractions[static_cast<std::size_t>(period)] > 0;
  const char* counts[3] = {nullptr, "validation", "test"};
  if (period == 0) return true;
  const std::string from = std::string(counts[period]) + "_from";
  if (entries.count(from)) return true;
  const auto it = entries.find(counts[period]);
  return it != entries.end() && it->second != "0";
}

std::string SplitChoice::text() const {
  if (by_fractions())
    return "[" + number_text(fractions[0]) + ", " + number_text(fractions[1]) + ", " + number_text(fractions[2]) + "]";
  std::string out;
  for (const auto& [key, value] : entries) out += (out.empty() ? "{" : ", ") + key + ": " + value;
  return out + "}";
}

SplitChoice read_split(const ParamValues& params) {
  SplitChoice split;
  if (params.is_mapping("split")) {
    split.entries = params.mapping("split");
    for (const char* period : {"validation", "test"}) {
      const std::string from = std::string(period) + "_from";
      if (has(split.entries, period) && split.entries.count(from))
        throw ParamError("split", std::string("give the ") + period + " period once: either " + period + ": ROWS or " +
                                      from + ": TIME, not both");
      if (has(split.entries, period)) count_of(split.entries, period);
    }
    return split;
  }
  const auto& list = params.real_list("split");
  double sum = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (!(list[i] >= 0))
      throw ParamError("split", "every fraction must be >= 0; the " + std::string(period_name(static_cast<int>(i))) +
                                    " fraction is " + number_text(list[i]));
    split.fractions[i] = list[i];
    sum += list[i];
  }
  if (std::abs(sum - 1) > 1e-6)
    throw ParamError("split", "the fractions [train, validation, test] must sum to 1; they sum to " + number_text(sum));
  return split;
}

Periods resolve_split(const SplitChoice& split, const Table& table) {
  const std::size_t rows = table.rows();
  if (split.by_fractions()) return split_rows(rows, split.fractions);
  const ParamMap& e = split.entries;
  std::size_t test_start = rows;
  if (has(e, "test")) {
    const std::size_t test = count_of(e, "test");
    if (test >= rows)
      throw ParamError("split", "test: " + std::to_string(test) + " rows leave no training rows of the " +
                                    std::to_string(rows) + " data rows; give fewer test rows");
    test_start = rows - test;
  } else if (has(e, "test_from")) {
    test_start = first_row_from(e, "test_from", table);
  }
  std::size_t validation_start = test_start;
  if (has(e, "validation")) {
    const std::size_t validation = count_of(e, "validation");
    if (validation >= test_start)
      throw ParamError("split", "validation: " + std::to_string(validation) + " rows leave no training rows: " +
                                    std::to_string(test_start) + " of the " + std::to_string(rows) +
                                    " data rows come before the test period; give fewer validation or test rows");
    validation_start = test_start - validation;
  } else if (has(e, "validation_from")) {
    validation_start = first_row_from(e, "validation_from", table);
    if (validation_start > test_start)
      throw ParamError("split", "validation_from: '" + e.at("validation_from") + "' (data row " +
                                    std::to_string(validation_start + 1) +
                                    ") comes after the test period's start (data row " +
                                    std::to_string(test_start + 1) + "); the validation period must come first");
  }
  if (validation_start == 0)
    throw ParamError("split", split.text() + " leaves no training rows: the " +
                                  (validation_start == test_start ? std::string("test") : "validation") +
                                  " period starts at the first data row; give a later start or fewer rows");
  return {validation_start, test_start, rows};
}

std::array<double, 3> planned_shares(const SplitChoice& split, double rows) {
  if (split.by_fractions()) return split.fractions;
  const ParamMap& e = split.entries;
  const auto share = [&](const char* count, const char* from) {
    if (e.count(count) && rows > 0) return std::min(1.0, std::stod(e.at(count)) / rows);
    return e.count(from) ? 0.15 : 0.0;
  };
  const double validation = share("validation", "validation_from"), test = share("test", "test_from");
  return {std::max(0.0, 1 - validation - test), validation, test};
}

}  // namespace seqlab::csv
