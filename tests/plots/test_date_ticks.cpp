// Date ticks: the unit follows the span, labels never repeat, every tick lies inside the range, and the script
// leaves room for the last label.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <ctime>
#include <random>
#include <set>
#include <string>

#include "plots/date_ticks.hpp"
#include "support/process.hpp"

using seqlab::test::contains;

namespace {

// Seconds since 1970 UTC of a date, computed independently of the code under test (via timegm).
double utc(int year, int month, int day, int hour = 0) {
  std::tm t{};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  return static_cast<double>(::timegm(&t));
}

void check_sound(const seqlab::DateTicks& ticks, double lo, double hi) {
  REQUIRE(ticks.at.size() == ticks.labels.size());
  CHECK(ticks.at.size() <= seqlab::kMaxDateTicks);
  const std::set<std::string> distinct(ticks.labels.begin(), ticks.labels.end());
  CHECK(distinct.size() == ticks.labels.size());
  for (std::size_t i = 0; i < ticks.at.size(); ++i) {
    CHECK(ticks.at[i] >= lo);
    CHECK(ticks.at[i] <= hi);
    if (i) CHECK(ticks.at[i] > ticks.at[i - 1]);
  }
}

}  // namespace

TEST_CASE("date ticks follow the span: years, quarters, months, days, hours") {
  SUBCASE("twelve years of a monthly series: every second year") {
    const double lo = utc(1949, 1, 1), hi = utc(1960, 12, 1);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.unit == "year");
    CHECK(t.labels == std::vector<std::string>{"1950", "1952", "1954", "1956", "1958", "1960"});
    CHECK(t.at.front() == utc(1950, 1, 1));
  }
  SUBCASE("three centuries before 1970: every fifty years") {
    const double lo = utc(1700, 1, 1), hi = utc(2008, 1, 1);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.labels == std::vector<std::string>{"1700", "1750", "1800", "1850", "1900", "1950", "2000"});
    CHECK(t.at.front() == utc(1700, 1, 1));
  }
  SUBCASE("eighteen months: quarters") {
    const double lo = utc(2020, 1, 1), hi = utc(2021, 6, 30);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.unit == "month");
    CHECK(t.step == 3);
    CHECK(t.labels == std::vector<std::string>{"2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"});
    CHECK(t.at[1] == utc(2020, 4, 1));
  }
  SUBCASE("seven months: month starts") {
    const double lo = utc(2023, 2, 10), hi = utc(2023, 9, 2);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.unit == "month");
    CHECK(t.labels.front() == "2023-03");
    CHECK(t.labels.back() == "2023-09");
  }
  SUBCASE("ten days: every second day") {
    const double lo = utc(2024, 2, 25), hi = utc(2024, 3, 6);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.unit == "day");
    CHECK(t.labels.front() == "2024-02-25");
    CHECK(contains(t.labels[2], "2024-02-29"));  // a leap day, then March
  }
  SUBCASE("thirty hours: every six hours, with the date") {
    const double lo = utc(2024, 1, 31, 3), hi = utc(2024, 2, 1, 9);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.unit == "hour");
    CHECK(t.labels.front() == "2024-01-31 06:00");
    CHECK(t.labels.back() == "2024-02-01 06:00");
  }
  SUBCASE("one point: a day either side and one tick") {
    const double at = utc(2024, 5, 5);
    const auto t = seqlab::date_ticks(at, at);
    CHECK(t.lo < at);
    CHECK(t.hi > at);
    check_sound(t, t.lo, t.hi);
    CHECK(t.labels.size() >= 1);
  }
}

TEST_CASE("for any span from a minute to a millennium: two to eight ticks, none repeated, all inside") {
  std::mt19937_64 random(25);
  std::uniform_real_distribution<double> start(utc(1600, 1, 1), utc(2100, 1, 1)),
      log_span(std::log(60.0), std::log(3.2e10));
  for (int i = 0; i < 2000; ++i) {
    const double lo = std::floor(start(random)), hi = lo + std::exp(log_span(random));
    CAPTURE(lo);
    CAPTURE(hi);
    const auto t = seqlab::date_ticks(lo, hi);
    check_sound(t, lo, hi);
    CHECK(t.at.size() >= 2);
  }
}

TEST_CASE("the axis script fixes the range, writes each label once and leaves room right of the last") {
  const double lo = utc(2024, 1, 31, 3), hi = utc(2024, 2, 1, 9);
  const auto t = seqlab::date_ticks(lo, hi);
  const std::string gp = seqlab::date_axis_script(t);
  INFO(gp);
  CHECK(contains(gp, "set xrange [" + std::to_string(static_cast<std::int64_t>(lo)) + ":" +
                         std::to_string(static_cast<std::int64_t>(hi)) + "]\n"));
  for (const auto& label : t.labels) {
    const std::string quoted = "'" + label + "' ";
    CHECK(gp.find(quoted) != std::string::npos);
    CHECK(gp.find(quoted) == gp.rfind(quoted));
  }
  // Rotated by -30 degrees and starting at its tick, the last label reaches cos(30) of its length to the right.
  const auto at = gp.find("set rmargin ");
  REQUIRE(at != std::string::npos);
  const int right = std::stoi(gp.substr(at + 12));
  CHECK(right >= std::ceil(0.866 * static_cast<double>(t.labels.back().size())));
  CHECK(contains(gp, "set xtics rotate by -30 left ("));
  CHECK_FALSE(contains(gp, "set xdata time"));  // plain seconds with labelled ticks: gnuplot adds none of its own
}
