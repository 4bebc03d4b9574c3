// The csv dataset's `split`: fractions of the rows, or a mapping of row counts or start times of the validation
// and test periods, turned into the rows of each period once the table is read.
#pragma once

#include <array>
#include <string>
#include <seqlab/params.hpp>

#include "periods.hpp"
#include "table.hpp"

namespace seqlab::csv {

struct SplitChoice {
  std::array<double, 3> fractions{};  // the list form [train, validation, test]
  ParamMap entries;                   // the mapping form: validation, test (rows), validation_from, test_from (times)
  bool by_fractions() const { return entries.empty(); }
  // Whether the period is meant to have rows (a fraction above 0, a count above 0, or a start time).
  bool wanted(int period) const;
  // As the user wrote it, for messages: "[0.7, 0.15, 0.15]" or "{test: 24, validation: 24}".
  std::string text() const;
};

// Checks the shape of the value before any data is read: fractions >= 0 that sum to 1; known keys, counts that
// are whole numbers >= 0, a period given once. Throws ParamError("split").
SplitChoice read_split(const ParamValues& params);

// The rows of each period in this table. Start times are read in the time column's terms (dates for a date
// column, numbers otherwise); the first row at or after one starts its period. Throws ParamError("split") when a
// period cannot be placed: a start after the last row, periods out of order, no training rows left.
Periods resolve_split(const SplitChoice& split, const Table& table);

// The share of `rows` each period will get, for the memory plan before the file is read; start times, which need
// the data, are guessed as the default 0.7 / 0.15 / 0.15.
std::array<double, 3> planned_shares(const SplitChoice& split, double rows);

}  // namespace seqlab::csv
