// The csv dataset's time as a calendar: time_format, YYYYMMDD integers read as dates (with a note),
// interpolation weighted by real time, the frequency it records, calendar features and known-future rows.
#include <doctest/doctest.h>

#include <cmath>
#include <iostream>
#include <sstream>
#include <seqlab/calendar.hpp>

#include "plugins/csv/csv_support.hpp"

using namespace seqlab::test::csv;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const Settings kPlain = {{"window", integer(2)},
                         {"split", std::vector<double>{1, 0, 0}},
                         {"normalize", std::string("none")},
                         {"time_column", std::string("t")}};

Settings with(Settings settings, const std::string& key, seqlab::ParamValue value) {
  settings[key] = std::move(value);
  return settings;
}

double date(int y, unsigned m, unsigned d, double hour = 0, double minute = 0) {
  return static_cast<double>(seqlab::calendar::days_from_civil(y, m, d)) * 86400 + hour * 3600 + minute * 60;
}

// std::cerr's text while it lives (the plugin writes its notes there).
class CapturedStderr {
 public:
  CapturedStderr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
  ~CapturedStderr() { std::cerr.rdbuf(old_); }
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::streambuf* old_;
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("csv: time_format reads dates in strftime's directives") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "t,v\n31.01.2024 06:30,1\n01.02.2024 06:30,2\n02.02.2024 06:30,3\n");
  const auto s = load(dir / "d.csv", with(kPlain, "time_format", std::string("%d.%m.%Y %H:%M"))).dataset->series();
  CHECK(s.times == std::vector<double>{date(2024, 1, 31, 6, 30), date(2024, 2, 1, 6, 30), date(2024, 2, 2, 6, 30)});
  write_file(dir / "j.csv", "t,v\n2024/060,1\n2024/061,2\n2024/062,3\n");
  CHECK(load(dir / "j.csv", with(kPlain, "time_format", std::string("%Y/%j"))).dataset->series().times.front() ==
        date(2024, 2, 29));
}

TEST_CASE("csv: a cell that does not match time_format is refused naming file, line, column, cell and format") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "t,v\n20240101,1\n20240102,2\n2024-01-03,3\n");
  const Refusal r = refusal(dir / "d.csv", with(kPlain, "time_format", std::string("%Y%m%d")));
  CHECK(r.param == "time_format");
  CHECK(has(r.message, "d.csv:4:1 (column 't'): '2024-01-03' does not match time_format \"%Y%m%d\""));
  write_file(dir / "e.csv", "t,v\n20240101,1\n20241301,2\n");
  CHECK(has(refusal(dir / "e.csv", with(kPlain, "time_format", std::string("%Y%m%d"))).message,
            "month 13 is not in 1-12"));
  // A format seqlab cannot read is refused before the file is.
  CHECK_THROWS_WITH_AS(make_dataset(dir / "d.csv", with(kPlain, "time_format", std::string("%Y-%b"))),
                       doctest::Contains("'%b' is not a directive"), seqlab::ParamError);
  CHECK_THROWS_AS(make_dataset(dir / "d.csv", with(kPlain, "time_format", std::string("date"))), seqlab::ParamError);
}

TEST_CASE("csv: integers that all read as YYYYMMDD are dates with a note, and time_format: number keeps numbers") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "t,v\n20011215,1\n20011222,2\n20011229,3\n");
  CapturedStderr err;
  const auto loaded = load(dir / "d.csv", kPlain);
  CHECK(has(err.text(), "holds integers that all read as YYYYMMDD dates"));
  CHECK(loaded.dataset->describe().time_kind == seqlab::TimeKind::date);
  CHECK(loaded.dataset->describe().frequency == "week");
  CHECK(loaded.dataset->series().times.back() == date(2001, 12, 29));
  const auto numbers = load(dir / "d.csv", with(kPlain, "time_format", std::string("number")));
  CHECK(numbers.dataset->describe().time_kind == seqlab::TimeKind::number);
  CHECK(numbers.dataset->series().times.back() == 20011229);
  // One integer that is no date (month 13): all stay numbers.
  write_file(dir / "n.csv", "t,v\n20011215,1\n20011315,2\n20011415,3\n");
  CHECK(load(dir / "n.csv", kPlain).dataset->describe().time_kind == seqlab::TimeKind::number);
}

TEST_CASE("csv: interpolation weighs a YYYYMMDD series by real time") {
  // 2001-12-27: 30, 2001-12-31: gap, 2002-01-01: 40. Four of five days: 38 (as numbers 4/8874 of the way: 30.0045).
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "t,v\n20011227,30\n20011231,\n20020101,40\n20020102,41\n");
  const auto s = load(dir / "d.csv", with(kPlain, "missing", std::string("interpolate"))).dataset->series();
  CHECK(s.inputs(1, 0) == doctest::Approx(38));
}

TEST_CASE("csv: calendar features are sin/cos of the time column's fields, named <field>_sin and <field>_cos") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "t,v\n2024-01-31,1\n2024-02-29,2\n2024-03-31,3\n2024-04-30,4\n");
  const auto loaded = load(dir / "d.csv", with(kPlain, "calendar", names({"month", "quarter"})));
  const auto d = loaded.dataset->describe();
  REQUIRE(d.inputs.size() == 5);
  CHECK(d.inputs[1].name == "month_sin");
  CHECK(d.inputs[2].name == "month_cos");
  CHECK(d.inputs[4].name == "quarter_cos");
  CHECK(d.frequency == "month_end");
  REQUIRE(d.input_roles.size() == 5);
  CHECK(d.input_roles[0].kind == seqlab::InputRole::Kind::data);
  CHECK(d.input_roles[2].kind == seqlab::InputRole::Kind::calendar);
  CHECK(d.input_roles[2].field == "month");
  CHECK(d.input_roles[2].cosine);
  const auto s = loaded.dataset->series();
  const double pi = 3.14159265358979323846;
  for (std::size_t r = 0; r < 4; ++r) {  // January is month 0 of 12
    CHECK(s.inputs(r, 1) == doctest::Approx(std::sin(2 * pi * static_cast<double>(r) / 12)));
    CHECK(s.inputs(r, 2) == doctest::Approx(std::cos(2 * pi * static_cast<double>(r) / 12)));
  }
  CHECK(s.inputs(3, 3) == doctest::Approx(1));  // April: the second quarter, 1/4 of the year
}

TEST_CASE("csv: calendar features are refused without dates and where they cannot vary") {
  ScratchDir dir("csv");
  write_file(dir / "m.csv", "t,v\n2024-01-01,1\n2024-02-01,2\n2024-03-01,3\n");
  const Refusal hour = refusal(dir / "m.csv", with(kPlain, "calendar", names({"hour"})));
  CHECK(hour.param == "calendar");
  CHECK(has(hour.message, "'hour' does not change from row to row"));
  CHECK(has(hour.message, "one month apart"));
  CHECK(has(refusal(dir / "m.csv", with(kPlain, "calendar", names({"season"}))).message, "not a calendar field"));
  write_file(dir / "n.csv", "t,v\n1,1\n2,2\n3,3\n");
  CHECK(has(refusal(dir / "n.csv", with(kPlain, "calendar", names({"month"}))).message, "holds plain numbers"));
  Settings untimed = kPlain;
  untimed.erase("time_column");
  CHECK(has(refusal(dir / "n.csv", with(untimed, "calendar", names({"month"}))).message, "no time_column is set"));
}

TEST_CASE("csv: known_future takes the trailing rows without targets as future rows") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv",
             "t,v,promo\n2024-01-01,1,0\n2024-01-02,2,1\n2024-01-03,3,0\n2024-01-04,,1\n2024-01-05,,0\n");
  const auto loaded = load(dir / "d.csv", with(kPlain, "known_future", names({"promo"})));
  const auto s = loaded.dataset->series();
  CHECK(s.rows() == 3);
  REQUIRE(s.future_inputs.shape()[0] == 2);
  CHECK(std::isnan(s.future_inputs(0, 0)));
  CHECK(s.future_inputs(0, 1) == 1);
  CHECK(s.future_inputs(1, 1) == 0);
  CHECK(loaded.dataset->describe().input_roles[1].kind == seqlab::InputRole::Kind::known_future);
  // A gap before the future rows is still refused; a gap in a known-future column's future rows too.
  write_file(dir / "g.csv", "t,v,promo\n2024-01-01,1,0\n2024-01-02,,1\n2024-01-03,3,0\n2024-01-04,,1\n");
  CHECK(has(refusal(dir / "g.csv", with(kPlain, "known_future", names({"promo"}))).message, "g.csv:3:2"));
  write_file(dir / "f.csv", "t,v,promo\n2024-01-01,1,0\n2024-01-02,2,1\n2024-01-03,3,0\n2024-01-04,,\n");
  const Refusal gap = refusal(dir / "f.csv", with(kPlain, "known_future", names({"promo"})));
  CHECK(gap.param == "known_future");
  CHECK(has(gap.message, "f.csv:5: the known-future column 'promo' has a gap in a future row"));
  CHECK(has(refusal(dir / "d.csv", with(kPlain, "known_future", names({"price"}))).message,
            "'price' is not one of the input columns"));
}
