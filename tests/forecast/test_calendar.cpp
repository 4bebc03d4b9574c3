// Time as a calendar (seqlab/calendar.hpp): frequencies recognised from dates, forecasts continuing them
// calendar-true through time_of_row, and the calendar fields' sin/cos values on known dates.
#include <doctest/doctest.h>

#include <cmath>
#include <seqlab/calendar.hpp>

#include "forecast/data_units.hpp"

namespace cal = seqlab::calendar;

namespace {

double date(int y, unsigned m, unsigned d, double hour = 0) {
  return static_cast<double>(cal::days_from_civil(y, m, d)) * 86400 + hour * 3600;
}

// The formatted times of rows rows..rows+k-1 of a series with `times`, continued by its detected frequency.
std::vector<std::string> continued(const std::vector<double>& times, std::size_t k) {
  seqlab::DataSeries s;
  s.times = times;
  s.time_step = times[1] - times[0];
  s.frequency = cal::detect_frequency(times);
  std::vector<std::string> out;
  for (std::size_t r = 0; r < k; ++r)
    out.push_back(seqlab::format_time(seqlab::time_of_row(s, times.size() + r), seqlab::TimeKind::date));
  return out;
}

}  // namespace

TEST_CASE("calendar: civil dates round-trip through seconds") {
  const cal::Civil c = cal::civil_from_seconds(date(2024, 2, 29, 6.5));
  CHECK(c.year == 2024);
  CHECK(c.month == 2);
  CHECK(c.day == 29);
  CHECK(c.second_of_day == 6.5 * 3600);
  CHECK(cal::civil_from_seconds(date(1969, 12, 31)).year == 1969);
}

TEST_CASE("calendar: the spacing is recognised as a calendar frequency") {
  const auto name = [](std::vector<double> t) { return cal::frequency_name(cal::detect_frequency(t)); };
  CHECK(name({date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)}) == "month");
  CHECK(name({date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)}) == "month_end");
  CHECK(name({date(2023, 1, 1), date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1)}) == "quarter");
  CHECK(name({date(2020, 6, 30), date(2021, 6, 30), date(2022, 6, 30)}) == "year_end");
  CHECK(name({date(2000, 1, 1), date(2001, 1, 1), date(2002, 1, 1)}) == "year");
  CHECK(name({date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)}) == "week");
  CHECK(name({date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)}) == "day");
  CHECK(name({date(2024, 1, 1, 0), date(2024, 1, 1, 1), date(2024, 1, 1, 2)}) == "hour");
  CHECK(name({0, 60, 120}) == "minute");
  CHECK(name({0, 1, 2}) == "second");
  CHECK(name({0, 900, 1800}) == "900 seconds");
  CHECK(name({0}).empty());
  for (const char* n : {"month", "quarter_end", "year", "24 months", "week", "hour", "900 seconds", ""}) {
    cal::Frequency f;
    REQUIRE(cal::parse_frequency(n, f));
    CHECK(cal::frequency_name(f) == n);
  }
  cal::Frequency f;
  CHECK_FALSE(cal::parse_frequency("fortnight", f));
  CHECK_FALSE(cal::parse_frequency("week_end", f));
}

TEST_CASE("calendar: forecasts continue monthly, quarterly, weekly and hourly series calendar-true") {
  // Month starts stay month starts (not 1961-03-04 ... from a 30.4-day median step).
  CHECK(continued({date(1960, 10, 1), date(1960, 11, 1), date(1960, 12, 1)}, 4) ==
        std::vector<std::string>{"1961-01-01", "1961-02-01", "1961-03-01", "1961-04-01"});
  // Month ends stay month ends, through a leap February.
  CHECK(continued({date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31)}, 3) ==
        std::vector<std::string>{"2024-02-29", "2024-03-31", "2024-04-30"});
  // The 15th stays the 15th.
  CHECK(continued({date(2023, 11, 15), date(2023, 12, 15)}, 2) == std::vector<std::string>{"2024-01-15", "2024-02-15"});
  CHECK(continued({date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1)}, 3) ==
        std::vector<std::string>{"2024-01-01", "2024-04-01", "2024-07-01"});
  CHECK(continued({date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30)}, 2) ==
        std::vector<std::string>{"2023-12-31", "2024-03-31"});
  CHECK(continued({date(2024, 12, 16), date(2024, 12, 23), date(2024, 12, 30)}, 2) ==
        std::vector<std::string>{"2025-01-06", "2025-01-13"});
  CHECK(continued({date(2024, 12, 31, 22), date(2024, 12, 31, 23)}, 2) ==
        std::vector<std::string>{"2025-01-01", "2025-01-01T01:00:00Z"});
  // 20011236 was what a YYYYMMDD column read as numbers gave; as dates it is a week later.
  CHECK(continued({date(2001, 12, 15), date(2001, 12, 22), date(2001, 12, 29)}, 1) ==
        std::vector<std::string>{"2002-01-05"});
}

TEST_CASE("calendar: sin/cos of each field on known dates") {
  const double pi = 3.14159265358979323846;
  CHECK(cal::field_value("month", false, date(2024, 4, 1)) == doctest::Approx(1));   // 3/12 of the year
  CHECK(cal::field_value("month", true, date(2024, 7, 15)) == doctest::Approx(-1));  // 6/12
  CHECK(cal::field_value("month", true, date(2024, 1, 31)) == doctest::Approx(1));
  CHECK(cal::field_value("quarter", false, date(2024, 5, 1)) == doctest::Approx(1));   // Q2: 1/4
  CHECK(cal::field_value("hour", false, date(2024, 5, 1, 6)) == doctest::Approx(1));   // 6/24
  CHECK(cal::field_value("dayofweek", true, date(2024, 1, 1)) == doctest::Approx(1));  // a Monday
  CHECK(cal::field_value("dayofweek", false, date(2024, 1, 3)) == doctest::Approx(std::sin(2 * pi * 2 / 7)));
  CHECK(cal::field_value("dayofyear", false, date(2023, 2, 1)) == doctest::Approx(std::sin(2 * pi * 31 / 365)));
  // ISO week 1 of 2021 starts on Monday 2021-01-04; 2021-01-03 is in week 53 of 2020.
  CHECK(cal::field_phase("weekofyear", date(2021, 1, 4)) == 0);
  CHECK(cal::field_phase("weekofyear", date(2021, 1, 3)) == doctest::Approx(52.0 / 53));
}

TEST_CASE("calendar: a field varies only at frequencies shorter than its cycle") {
  const auto at = [](const char* name) {
    cal::Frequency f;
    cal::parse_frequency(name, f);
    return f;
  };
  CHECK(cal::field_varies("month", at("month")));
  CHECK(cal::field_varies("month", at("quarter")));
  CHECK_FALSE(cal::field_varies("month", at("year")));
  CHECK_FALSE(cal::field_varies("hour", at("month")));
  CHECK_FALSE(cal::field_varies("hour", at("day")));
  CHECK(cal::field_varies("hour", at("hour")));
  CHECK_FALSE(cal::field_varies("dayofweek", at("week")));
  CHECK(cal::field_varies("dayofweek", at("day")));
  CHECK(cal::field_varies("weekofyear", at("week")));
  CHECK_FALSE(cal::field_varies("month", cal::Frequency{}));
}
