// The csv dataset's inputs that a forecast can know past the end of the data: calendar features computed from
// the time column, and known-future columns whose future rows the file gives.
// Tested in tests/plugins/csv/test_csv_calendar.cpp
#include "calendar_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <seqlab/params.hpp>

#include "cells.hpp"

namespace seqlab::csv {

FutureRows take_future_rows(Table& table) {
  FutureRows future;
  const std::size_t end = table.history_rows;
  if (end >= table.rows()) return future;
  const auto at = static_cast<std::ptrdiff_t>(end);
  if (!table.times.empty()) {
    future.times.assign(table.times.begin() + at, table.times.end());
    table.times.resize(end);
  } else {
    for (std::size_t r = end; r < table.rows(); ++r) future.times.push_back(static_cast<double>(r));
  }
  for (Column& column : table.columns) {
    future.values.emplace_back(column.values.begin() + at, column.values.end());
    column.values.resize(end);
  }
  return future;
}

calendar::Frequency table_frequency(const Table& table) {
  if (table.time_kind != TimeKind::date) return {};
  return calendar::detect_frequency(table.times);
}

void add_calendar_columns(Table& table, const std::vector<std::string>& fields, const calendar::Frequency& frequency,
                          const std::string& path) {
  if (fields.empty()) return;
  const auto& known = calendar::calendar_fields();
  for (const std::string& field : fields)
    if (std::find(known.begin(), known.end(), field) == known.end())
      throw ParamError("calendar", quoted_cell(field) +
                                       " is not a calendar field; use month, quarter, weekofyear, dayofweek, hour "
                                       "or dayofyear");
  if (table.time_kind != TimeKind::date)
    throw ParamError("calendar", path + ": calendar features are computed from dates, but " +
                                     (table.time_name.empty() ? std::string("no time_column is set")
                                                              : "the time column " + quoted_cell(table.time_name) +
                                                                    " holds plain numbers (set time_format)"));
  for (const std::string& field : fields) {
    if (!calendar::field_varies(field, frequency))
      throw ParamError("calendar",
                       quoted_cell(field) + " does not change from row to row of " + path + ", whose rows are " +
                           (frequency.known() ? "one " + calendar::frequency_name(frequency) : "irregular") +
                           " apart; leave it out of calendar: [...]");
    for (bool cosine : {false, true}) {
      Column column;
      column.file_index = std::numeric_limits<std::size_t>::max();
      column.name = field + (cosine ? "_cos" : "_sin");
      for (double t : table.times) column.values.push_back(static_cast<float>(calendar::field_value(field, cosine, t)));
      table.inputs.push_back(table.columns.size());
      table.columns.push_back(std::move(column));
    }
  }
}

std::vector<InputRole> input_roles(const Table& table, const std::vector<std::string>& fields,
                                   const std::vector<std::string>& known_future) {
  std::vector<InputRole> roles(table.inputs.size());
  for (const std::string& name : known_future) {
    const auto found = std::find_if(table.inputs.begin(), table.inputs.end(),
                                    [&](std::size_t c) { return table.columns[c].name == name; });
    if (found == table.inputs.end())
      throw ParamError("known_future", quoted_cell(name) +
                                           " is not one of the input columns (columns:); a known-future column is "
                                           "an input whose future values the file gives");
    roles[static_cast<std::size_t>(found - table.inputs.begin())].kind = InputRole::Kind::known_future;
  }
  // The calendar columns are the last inputs, a sin and a cos per field, in the order of calendar: [...].
  const std::size_t first = table.inputs.size() - 2 * fields.size();
  for (std::size_t k = 0; k < 2 * fields.size(); ++k)
    roles[first + k] = {InputRole::Kind::calendar, fields[k / 2], k % 2 == 1};
  return roles;
}

Tensor2 future_inputs(const Table& table, const FutureRows& future, const std::vector<InputRole>& roles,
                      const std::vector<Units>& units, const std::string& path) {
  if (future.rows() == 0) return {};
  Tensor2 values = Tensor2::from_shape({future.rows(), table.inputs.size()});
  values.fill(std::numeric_limits<float>::quiet_NaN());
  for (std::size_t f = 0; f < table.inputs.size(); ++f) {
    if (roles[f].kind != InputRole::Kind::known_future) continue;
    const std::size_t c = table.inputs[f];
    for (std::size_t r = 0; r < future.rows(); ++r) {
      const float v = future.values[c][r];
      if (std::isnan(v))
        throw ParamError("known_future", path + ":" + std::to_string(table.lines.line_of(table.history_rows + r)) +
                                             ": the known-future column " + quoted_cell(table.columns[c].name) +
                                             " has a gap in a future row (a row after the last target value); "
                                             "every future row needs its value");
      values(r, f) = static_cast<float>((v - units[c].offset) / units[c].scale);
    }
  }
  return values;
}

}  // namespace seqlab::csv
