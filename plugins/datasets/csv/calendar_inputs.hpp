// The csv dataset's inputs that a forecast can know past the end of the data: calendar features computed from
// the time column, and known-future columns whose future rows the file gives.
#pragma once

#include <string>
#include <vector>
#include <seqlab/calendar.hpp>
#include <seqlab/dataset.hpp>

#include "normalization.hpp"
#include "table.hpp"

namespace seqlab::csv {

// The rows after the series' end (Table::history_rows), taken out of the table: their times and, per table
// column, their values (only known-future columns are read from them).
struct FutureRows {
  std::vector<double> times;
  std::vector<std::vector<float>> values;  // per table column
  std::size_t rows() const { return times.size(); }
};

// Moves rows [history_rows, rows) out of `table`.
FutureRows take_future_rows(Table& table);

// The frequency of the table's times: calendar-true for dates, unknown for numbers or no time column.
calendar::Frequency table_frequency(const Table& table);

// Appends `<field>_sin` and `<field>_cos` input columns per field (calendar: [...]). Refuses, naming the
// parameter, a field it does not know, a table without a date time column, and a field that cannot vary at the
// data's frequency (hour in monthly data).
void add_calendar_columns(Table& table, const std::vector<std::string>& fields, const calendar::Frequency& frequency,
                          const std::string& path);

// One role per input: calendar for the calendar columns, known_future for the columns named in `known_future`
// (refused, naming it, when one is not an input), data for the rest.
std::vector<InputRole> input_roles(const Table& table, const std::vector<std::string>& fields,
                                   const std::vector<std::string>& known_future);

// (future rows, inputs) in the model's units: the known-future columns' values, NaN for the other inputs.
// Refuses a gap in a known-future column's future rows.
Tensor2 future_inputs(const Table& table, const FutureRows& future, const std::vector<InputRole>& roles,
                      const std::vector<Units>& units, const std::string& path);

}  // namespace seqlab::csv
