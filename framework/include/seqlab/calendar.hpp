// Time as a calendar: civil dates of seconds since 1970-01-01 UTC, a series' frequency (calendar months or a
// fixed number of seconds), stepping calendar-true past the end of a series, and the cyclic calendar fields a
// dataset turns into sin/cos input features. Header-only: the csv plugin and the runner both use it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace seqlab::calendar {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): exact, no time zone
// database and no locale, unlike mktime/timegm.
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// A time broken into its civil parts (UTC).
struct Civil {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1;  // 1-based
  double second_of_day = 0;     // [0, 86400)
  std::int64_t days = 0;        // since 1970-01-01
};

inline Civil civil_from_seconds(double seconds) {
  const auto days = static_cast<std::int64_t>(std::floor(seconds / 86400));
  // H. Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.second_of_day = seconds - static_cast<double>(days) * 86400;
  c.days = days;
  return c;
}

// How far apart a series' rows are: a whole number of calendar months (month, quarter, year), which keeps
// month starts on month starts and month ends on month ends, or a fixed number of seconds (week, day, hour,
// minute, second or any other). Neither set: unknown (numbered rows, or times without a regular spacing).
struct Frequency {
  std::int64_t months = 0;  // > 0: a calendar step
  double seconds = 0;       // > 0: a fixed step
  bool month_end = false;   // with months: every row is its month's last day
  bool known() const { return months > 0 || seconds > 0; }
  bool operator==(const Frequency& o) const {
    return months == o.months && seconds == o.seconds && month_end == o.month_end;
  }
};

// The frequency as recorded and shown: "month", "quarter", "year" (with "_end" for month ends), "N months",
// "week", "day", "hour", "minute", "second", "N seconds"; "" when unknown.
inline std::string frequency_name(const Frequency& f) {
  const std::string end = f.month_end ? "_end" : "";
  if (f.months == 1) return "month" + end;
  if (f.months == 3) return "quarter" + end;
  if (f.months == 12) return "year" + end;
  if (f.months > 0) return std::to_string(f.months) + " months" + end;
  if (f.seconds <= 0) return "";
  const struct {
    double seconds;
    const char* name;
  } fixed[] = {{604800, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  for (const auto& x : fixed)
    if (f.seconds == x.seconds) return x.name;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.17g seconds", f.seconds);
  return buf;
}

// The inverse of frequency_name; false for a name it never gives.
inline bool parse_frequency(const std::string& name, Frequency& f) {
  f = {};
  std::string base = name;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, "_end") == 0) {
    f.month_end = true;
    base.resize(base.size() - 4);
  }
  if (base.empty()) return !f.month_end;
  const auto number_before = [&](const char* unit, double& value) {
    const std::string suffix = std::string(" ") + unit;
    if (base.size() <= suffix.size() || base.compare(base.size() - suffix.size(), suffix.size(), suffix) != 0)
      return false;
    char* end = nullptr;
    const std::string digits = base.substr(0, base.size() - suffix.size());
    value = std::strtod(digits.c_str(), &end);
    return end == digits.c_str() + digits.size() && value > 0 && std::isfinite(value);
  };
  double value = 0;
  if (base == "month")
    f.months = 1;
  else if (base == "quarter")
    f.months = 3;
  else if (base == "year")
    f.months = 12;
  else if (number_before("months", value) && value == std::floor(value))
    f.months = static_cast<std::int64_t>(value);
  else if (f.month_end)
    return false;
  else if (base == "week")
    f.seconds = 604800;
  else if (base == "day")
    f.seconds = 86400;
  else if (base == "hour")
    f.seconds = 3600;
  else if (base == "minute")
    f.seconds = 60;
  else if (base == "second")
    f.seconds = 1;
  else if (number_before("seconds", value))
    f.seconds = value;
  else
    return false;
  return true;
}

// `k` steps of `f` after `from` (k may be negative). Month steps keep the day of the month (clamped to the
// month's length: 01-31 -> 02-29 -> 03-31 only with month_end, else 01-31 -> 02-29 -> 03-29) and the time of day.
inline double advance(double from, const Frequency& f, std::int64_t k) {
  if (f.months <= 0) return from + static_cast<double>(k) * f.seconds;
  const Civil c = civil_from_seconds(from);
  const std::int64_t index = c.year * 12 + (c.month - 1) + k * f.months;
  const std::int64_t year = (index >= 0 ? index : index - 11) / 12;
  const auto month = static_cast<unsigned>(index - year * 12 + 1);
  const unsigned last = days_in_month(year, month);
  const unsigned day = f.month_end ? last : std::min(c.day, last);
  return static_cast<double>(days_from_civil(year, month, day)) * 86400 + c.second_of_day;
}

// The frequency of dates (seconds since 1970, increasing): a month step when every row is the same day of the
// month (or every row its month's last day) at the same time of day and the median step in months is whole;
// else the median step in seconds. Unknown for fewer than two rows.
inline Frequency detect_frequency(const std::vector<double>& times) {
  Frequency f;
  if (times.size() < 2) return f;
  std::vector<double> steps(times.size() - 1);
  for (std::size_t i = 1; i < times.size(); ++i) steps[i - 1] = times[i] - times[i - 1];
  std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
  const double median = steps[steps.size() / 2];
  // Calendar months are 28-31 days: anything shorter than 28 days is a fixed step.
  if (median >= 28 * 86400.0) {
    const Civil first = civil_from_seconds(times.front());
    bool same_day = true, month_end = true;
    std::vector<std::int64_t> month_steps;
    Civil previous = first;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const Civil c = i == 0 ? first : civil_from_seconds(times[i]);
      same_day = same_day && c.day == first.day && c.second_of_day == first.second_of_day;
      month_end = month_end && c.day == days_in_month(c.year, c.month) && c.second_of_day == first.second_of_day;
      if (i > 0) month_steps.push_back((c.year - previous.year) * 12 + c.month - previous.month);
      previous = c;
    }
    if (same_day || month_end) {
      std::nth_element(month_steps.begin(), month_steps.begin() + static_cast<std::ptrdiff_t>(month_steps.size() / 2),
                       month_steps.end());
      f.months = month_steps[month_steps.size() / 2];
      // Day 28 or later of every month, but not every month's last day: stays as it is (clamped), not an end.
      f.month_end = month_end && !(same_day && first.day <= 28);
      if (f.months > 0) return f;
      f = {};
    }
  }
  f.seconds = median;
  return f;
}

// The cyclic calendar fields a dataset may add as sin/cos inputs, with the position of a time in its cycle
// as a fraction in [0, 1): month (of the year), quarter, weekofyear (ISO week), dayofweek (Monday 0), hour (of
// the day), dayofyear.
inline const std::vector<std::string>& calendar_fields() {
  static const std::vector<std::string> fields = {"month", "quarter", "weekofyear", "dayofweek", "hour", "dayofyear"};
  return fields;
}

// The length of a field's cycle: a day for hour, a week for dayofweek, a year for the others.
inline double field_cycle_seconds(const std::string& field) {
  if (field == "hour") return 86400;
  if (field == "dayofweek") return 7 * 86400;
  return 365.2425 * 86400;
}

// Whether `field` changes from row to row of data at frequency `f`: the step is shorter than the field's cycle
// and not a whole number of cycles (hour cannot vary in monthly or daily data, month not in yearly data).
inline bool field_varies(const std::string& field, const Frequency& f) {
  if (f.months > 0) return field != "hour" && field != "dayofweek" && f.months % 12 != 0;
  if (!(f.seconds > 0)) return false;
  return f.seconds < field_cycle_seconds(field);  // any shorter step moves through the cycle
}

// Position of `seconds` in the field's cycle as a fraction in [0, 1).
inline double field_phase(const std::string& field, double seconds) {
  const Civil c = civil_from_seconds(seconds);
  if (field == "month") return (c.month - 1) / 12.0;
  if (field == "quarter") return ((c.month - 1) / 3) / 4.0;
  if (field == "hour") return std::floor(c.second_of_day / 3600) / 24.0;
  // 1970-01-01 was a Thursday: Monday is 0.
  const auto weekday = static_cast<unsigned>(((c.days % 7) + 7 + 3) % 7);
  if (field == "dayofweek") return weekday / 7.0;
  const std::int64_t year_start = days_from_civil(c.year, 1, 1);
  const auto doy = static_cast<double>(c.days - year_start);  // 0-based
  if (field == "dayofyear") return doy / (is_leap(c.year) ? 366.0 : 365.0);
  // ISO week: the week with the year's first Thursday is week 1; weeks start on Monday. 0-based of 53.
  const std::int64_t thursday = c.days - weekday + 3;
  const Civil t = civil_from_seconds(static_cast<double>(thursday) * 86400);
  const auto week = static_cast<double>((thursday - days_from_civil(t.year, 1, 1)) / 7);
  return week / 53.0;
}

// The feature's value: sin or cos of 2 pi times the phase.
inline double field_value(const std::string& field, bool cosine, double seconds) {
  const double angle = 2 * 3.14159265358979323846 * field_phase(field, seconds);
  return cosine ? std::cos(angle) : std::sin(angle);
}

}  // namespace seqlab::calendar
