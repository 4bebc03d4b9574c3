// Date ticks on calendar boundaries, counted before they are labelled, so the span picks the unit and the unit
// picks a label format fine enough that no two ticks read the same.
#include "plots/date_ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>

#include "plots/gnuplot_files.hpp"

namespace seqlab {

namespace {

constexpr double kDay = 86400;

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian), valid for negative days too: a sunspot
// series starts in 1700.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  std::int64_t year;
  int month, day, hour, minute, second;
};

Civil civil_from_seconds(std::int64_t t) {
  std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  const std::int64_t secs = t - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
          static_cast<int>(secs % 60)};
}

double month_start(std::int64_t year, int month, int day = 1) {
  return static_cast<double>(days_from_civil(year, month, day)) * kDay;
}

struct Step {
  const char* unit;
  int n;
  double seconds;  // about how long: to skip steps that would give thousands of ticks before making them
};

std::vector<Step> steps() {
  std::vector<Step> out;
  for (int n : {1, 2, 5, 10, 15, 30}) out.push_back({"second", n, static_cast<double>(n)});
  for (int n : {1, 2, 5, 10, 15, 30}) out.push_back({"minute", n, 60.0 * n});
  for (int n : {1, 2, 3, 6, 12}) out.push_back({"hour", n, 3600.0 * n});
  for (int n : {1, 2, 7, 14}) out.push_back({"day", n, kDay * n});
  for (int n : {1, 2, 3, 6}) out.push_back({"month", n, kDay * 30.44 * n});
  for (double decade = 1; decade <= 1e6; decade *= 10)
    for (int n : {1, 2, 5}) out.push_back({"year", static_cast<int>(n * decade), kDay * 365.25 * n * decade});
  return out;
}

// The ticks of `step` in [lo, hi], giving up once there are more than `limit`.
std::vector<double> ticks_of(const Step& step, double lo, double hi, std::size_t limit) {
  std::vector<double> at;
  auto add = [&](double t) {
    if (t >= lo && t <= hi) at.push_back(t);
  };
  const std::string unit = step.unit;
  const Civil first = civil_from_seconds(static_cast<std::int64_t>(std::floor(lo)));
  if (unit == "year") {
    std::int64_t y = first.year - ((first.year % step.n) + step.n) % step.n;  // the multiple of n at or before
    for (; month_start(y, 1) <= hi && at.size() <= limit; y += step.n) add(month_start(y, 1));
  } else if (unit == "month" || (unit == "day" && step.n >= 7)) {
    std::int64_t y = first.year;
    int m = first.month;
    while (month_start(y, m) <= hi && at.size() <= limit) {
      if (unit == "month") {
        if ((m - 1) % step.n == 0) add(month_start(y, m));
      } else {
        for (int d = 1; d <= 22; d += step.n) add(month_start(y, m, d));  // 1, 8, 15, 22 or 1, 15
      }
      if (++m == 13) {
        m = 1;
        ++y;
      }
    }
  } else {
    const double length = step.seconds;
    for (double t = std::ceil(lo / length) * length; t <= hi && at.size() <= limit; t += length) add(t);
  }
  return at;
}

std::string label(double t, const Step& step) {
  const Civil c = civil_from_seconds(static_cast<std::int64_t>(std::llround(t)));
  const std::string unit = step.unit;
  if (unit == "year") return fmt::format("{}", c.year);
  if (unit == "month")
    return step.n == 3 ? fmt::format("{}-Q{}", c.year, (c.month - 1) / 3 + 1)
                       : fmt::format("{}-{:02}", c.year, c.month);
  if (unit == "day") return fmt::format("{}-{:02}-{:02}", c.year, c.month, c.day);
  if (unit == "second") return fmt::format("{:02}:{:02}:{:02}", c.hour, c.minute, c.second);
  return fmt::format("{}-{:02}-{:02} {:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute);
}

}  // namespace

DateTicks date_ticks(double lo, double hi) {
  DateTicks ticks;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {  // one point: a day either side, so the axis has a width
    lo -= kDay;
    hi += kDay;
  }
  ticks.lo = lo;
  ticks.hi = hi;
  const std::vector<Step> all = steps();
  const Step* chosen = &all.back();
  for (const Step& step : all) {
    if ((hi - lo) / step.seconds > 3.0 * kMaxDateTicks) continue;
    std::vector<double> at = ticks_of(step, lo, hi, kMaxDateTicks);
    if (at.size() > kMaxDateTicks) continue;
    chosen = &step;
    ticks.at = std::move(at);
    break;
  }
  ticks.unit = chosen->unit;
  ticks.step = chosen->n;
  for (double t : ticks.at) ticks.labels.push_back(label(t, *chosen));
  return ticks;
}

std::string date_axis_script(const DateTicks& ticks) {
  std::size_t longest = 0;
  for (const auto& l : ticks.labels) longest = std::max(longest, l.size());
  const std::size_t last = ticks.labels.empty() ? 0 : ticks.labels.back().size();
  std::string tics;
  for (std::size_t i = 0; i < ticks.at.size(); ++i)
    tics += (i ? ", " : "") + gp_quote(ticks.labels[i]) + " " + number_text(ticks.at[i]);
  // Labels run down and to the right of their tick (rotated by -30 degrees, left-justified): the last one needs
  // about cos(30) of its length in character widths beyond the plot's right edge, and each needs sin(30) of its
  // length (half a character's height per character) below the axis, above the axis label.
  const auto right = static_cast<int>(std::ceil(0.87 * static_cast<double>(last))) + 2;
  const auto bottom = static_cast<int>(std::ceil(0.25 * static_cast<double>(longest))) + 4;
  // gnuplot leaves about a line for them above the axis label; it goes lower by the rest.
  const int below = std::max(0, static_cast<int>(std::ceil(0.25 * static_cast<double>(longest))) - 1);
  return fmt::format(
      "set xrange [{}:{}]\nset xtics rotate by -30 left ({})\nset rmargin {}\nset bmargin {}\n"
      "set xlabel offset 0,-{}\n",
      number_text(ticks.lo), number_text(ticks.hi), tics, right, bottom, below);
}

}  // namespace seqlab
