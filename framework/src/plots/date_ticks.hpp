// A date axis's ticks chosen from its span: calendar-aligned, labelled as finely as the step, none repeated or
// clipped at the right edge.
#pragma once

#include <string>
#include <vector>

namespace seqlab {

struct DateTicks {
  double lo = 0, hi = 0;            // the axis range, seconds since 1970 UTC (widened by a day when lo == hi)
  std::vector<double> at;           // ascending, each inside [lo, hi]
  std::vector<std::string> labels;  // one per tick, all different: "1960", "1960-Q2", "1960-04", "1960-04-15", ...
  std::string unit;                 // the step's unit: year, month, day, hour, minute or second
  int step = 1;                     // how many of them between ticks (3 months: quarters)
};

// At most kMaxDateTicks ticks, as many as that allows: years (1, 2, 5, 10, ... apart), half-years, quarters,
// months, days (1st/8th/15th/22nd for weeks), hours, minutes, seconds, each on its calendar boundary (UTC).
inline constexpr std::size_t kMaxDateTicks = 8;
DateTicks date_ticks(double lo, double hi);

// gnuplot lines for that axis on a numeric x column of seconds: the range, the ticks with their labels
// (rotated), and right and bottom margins wide enough that the last label is never cut off.
std::string date_axis_script(const DateTicks& ticks);

}  // namespace seqlab
