// The csv dataset's wide tables: a year per row and a column per month (El Nino style) or quarter, read as one
// series in time order with dates; the period inferred from the names or given; refusals that name the column.
#include <doctest/doctest.h>

#include <cmath>

#include "plugins/csv/csv_support.hpp"
#include "support/refusal.hpp"

#define CHECK_SAYS(text, part) CHECK_MESSAGE(seqlab::test::contains(text, part), text)

using namespace seqlab::test::csv;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const std::vector<std::string> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

// Years 1950-1953, value = year * 100 + month; December 1953 not yet observed (empty).
std::string nino_csv() {
  std::string text = "YEAR,JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC\n";
  for (int year = 1950; year <= 1953; ++year) {
    text += std::to_string(year);
    for (int month = 1; month <= 12; ++month)
      text += "," + (year == 1953 && month == 12 ? std::string() : std::to_string(year * 100 + month));
    text += "\n";
  }
  return text;
}

Settings wide(std::vector<std::string> columns, Settings more = {}) {
  more["wide_columns"] = names(std::move(columns));
  more.emplace("window", integer(3));
  more.emplace("normalize", std::string("none"));
  more.emplace("split", std::vector<double>{1, 0, 0});
  return more;
}

}  // namespace

TEST_CASE("csv: a wide table of months is one series in time order, dated by the year column") {
  ScratchDir dir("csv");
  write_file(dir / "nino.csv", nino_csv());
  const auto loaded = load(dir / "nino.csv", wide(kMonths, {{"time_column", std::string("YEAR")}}));
  const seqlab::DataSeries s = loaded.dataset->series();
  REQUIRE(s.targets.shape()[0] == 47);  // 48 months, the empty last one left out
  for (std::size_t r = 0; r < 47; ++r) CHECK(s.targets(r, 0) == static_cast<float>((1950 + r / 12) * 100 + 1 + r % 12));
  const seqlab::DataDescription d = loaded.dataset->describe();
  CHECK(d.time_kind == seqlab::TimeKind::date);
  CHECK(d.targets.at(0).name == "nino");
  CHECK(s.times[0] == -631152000);   // 1950-01-01T00:00:00Z
  CHECK(s.times[13] == -596937600);  // 1951-02-01
  // Windows follow the long series: the first window's target is April 1950.
  CHECK(loaded.splits.train.targets(0, 0, 0) == 195004);
}

TEST_CASE("csv: the wide period comes from month names, quarters or numbers, or from wide_period") {
  ScratchDir dir("csv");
  write_file(dir / "q.csv", "year,Q1,Q2,Q3,Q4\n2000,1,2,3,4\n2001,5,6,7,8\n");
  const auto loaded = load(dir / "q.csv", wide({"Q1", "Q2", "Q3", "Q4"}, {{"time_column", std::string("year")}}));
  const seqlab::DataSeries s = loaded.dataset->series();
  REQUIRE(s.targets.shape()[0] == 8);
  CHECK(s.targets(5, 0) == 6);
  CHECK(s.times[1] == 954547200);  // 2000-04-01
  // Numbers 1-4 are quarters, full month names and Sept months; wide_period names the period without reading names.
  write_file(dir / "n.csv", "1,2,3,4\n1,2,3,4\n5,6,7,8\n");
  CHECK(load(dir / "n.csv", wide({"1", "2", "3", "4"}, {{"header", std::string("true")}}))
            .dataset->series()
            .targets.shape()[0] == 8);
  write_file(dir / "a.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
  CHECK(load(dir / "a.csv", wide({"a", "b", "c", "d"}, {{"wide_period", std::string("quarter")}}))
            .dataset->series()
            .targets.shape()[0] == 8);
  std::string months = "January,February,March,April,May,June,July,August,Sept,October,November,December\n";
  for (int year = 0; year < 2; ++year)
    for (int m = 1; m <= 12; ++m) months += std::to_string(m) + (m == 12 ? "\n" : ",");
  write_file(dir / "m.csv", months);
  CHECK(load(dir / "m.csv", wide({"January", "February", "March", "April", "May", "June", "July", "August", "Sept",
                                  "October", "November", "December"}))
            .dataset->series()
            .targets.shape()[0] == 24);
}

TEST_CASE("csv: a wide table that cannot be read as one series is refused naming why") {
  ScratchDir dir("csv");
  write_file(dir / "nino.csv", nino_csv());
  auto refused = [&](Settings settings, const std::string& param) {
    const Refusal r = refusal(dir / "nino.csv", settings);
    CHECK(r.param == param);
    return r.message;
  };
  std::vector<std::string> odd = kMonths;
  odd[4] = "MAI";
  CHECK_SAYS(refused(wide(odd), "wide_columns"), "cannot infer the period of the wide table from column 'MAI'");
  std::vector<std::string> swapped = kMonths;
  std::swap(swapped[0], swapped[1]);
  CHECK_SAYS(refused(wide(swapped), "wide_columns"), "'FEB' is month 2 but stands at place 1");
  CHECK_SAYS(refused(wide({"JAN", "FEB"}), "wide_columns"), "not the 12 months of a year");
  CHECK_SAYS(refused(wide({"a", "b"}, {{"wide_period", std::string("quarter")}}), "wide_columns"),
             "wide_period: quarter needs 4 columns");
  CHECK_SAYS(refused(wide(kMonths, {{"columns", names({"JAN"})}}), "wide_columns"), "leave columns: and targets: out");
  // A gap inside the series, not at its end, follows missing: error.
  std::string gap = nino_csv();
  gap.replace(gap.find("195103"), 6, "");
  write_file(dir / "gap.csv", gap);
  const Refusal r = refusal(dir / "gap.csv", wide(kMonths, {{"time_column", std::string("YEAR")}}));
  CHECK(r.param == "missing");
  CHECK_SAYS(r.message, "gap.csv:3:4 (column 'MAR'): missing value inside the series");
  // With missing: interpolate it is filled in time.
  const auto filled = load(
      dir / "gap.csv", wide(kMonths, {{"time_column", std::string("YEAR")}, {"missing", std::string("interpolate")}}));
  CHECK(std::abs(filled.dataset->series().targets(14, 0) - 195102.5f) < 0.6f);
}
