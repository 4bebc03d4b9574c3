// Filling the csv dataset's gaps (missing: interpolate and ffill) without letting a later period's values reach
// an earlier one.
#pragma once

#include "periods.hpp"
#include "table.hpp"

namespace seqlab::csv {

// In place, per column. interpolate: linear in time (the time column, or the row number), between the last
// value before the gap and the first after it, for the rows in the same period as that later value; rows of
// an earlier period carry their last value forward instead, so no validation or test value is seen in training.
// ffill: the last value, carried forward. The reader has refused gaps that neither can fill (at the start,
// and for interpolate at the end). drop and error: nothing to do.
void fill_gaps(Table& table, Missing policy, const Periods& periods);

}  // namespace seqlab::csv
