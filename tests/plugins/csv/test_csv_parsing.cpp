// The csv dataset's reading: header detection, delimiter sniffing, RFC 4180 quoting, comment lines, ISO
// dates, and each missing-value policy's exact values.
#include <doctest/doctest.h>

#include <cmath>

#include "plugins/csv/csv_support.hpp"

using namespace seqlab::test::csv;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const Settings kPlain = {
    {"window", integer(2)}, {"split", std::vector<double>{1, 0, 0}}, {"normalize", std::string("none")}};

Settings with(Settings settings, const std::string& key, seqlab::ParamValue value) {
  settings[key] = std::move(value);
  return settings;
}

// The input column `f` of the series, in the data's units (normalize: none).
std::vector<float> column(const seqlab::DataSeries& s, std::size_t f) {
  std::vector<float> out;
  for (std::size_t r = 0; r < s.rows(); ++r) out.push_back(s.inputs(r, f));
  return out;
}

}  // namespace

TEST_CASE("csv: header: auto takes a first row with any non-number as a header, else as data") {
  ScratchDir dir("csv");
  SUBCASE("a header") {
    write_file(dir / "d.csv", "when,temp,hum\n0,1.5,7\n1,2.5,8\n2,3.5,9\n");
    const auto loaded = load(dir / "d.csv", with(kPlain, "time_column", std::string("when")));
    const auto d = loaded.dataset->describe();
    REQUIRE(d.inputs.size() == 2);  // every numeric column but the time column
    CHECK(d.inputs[0].name == "temp");
    CHECK(d.inputs[1].name == "hum");
    CHECK(d.time_name == "when");
    CHECK(d.time_kind == seqlab::TimeKind::number);
    CHECK(loaded.dataset->series().rows() == 3);
  }
  SUBCASE("no header: columns are named and chosen by 0-based index") {
    write_file(dir / "d.csv", "0,1.5,7\n1,2.5,8\n2,3.5,9\n");
    const auto loaded =
        load(dir / "d.csv", with(with(kPlain, "columns", names({"2", "1"})), "time_column", std::string("0")));
    const auto d = loaded.dataset->describe();
    CHECK(d.inputs[0].name == "2");
    CHECK(d.inputs[1].name == "1");
    const auto s = loaded.dataset->series();
    REQUIRE(s.rows() == 3);  // the first row is data
    CHECK(column(s, 0) == std::vector<float>{7, 8, 9});
    CHECK(s.times == std::vector<double>{0, 1, 2});
  }
  SUBCASE("header: false reads a first row of text as data, and says so when it is not a number") {
    write_file(dir / "d.csv", "a,b\n1,2\n3,4\n");
    const auto r =
        refusal(dir / "d.csv", with(with(kPlain, "header", std::string("false")), "columns", names({"0", "1"})));
    CHECK(r.message.find("d.csv:1:1: 'a' is not a number") != std::string::npos);
    CHECK(r.message.find("header: false") != std::string::npos);
  }
}

TEST_CASE("csv: the delimiter is sniffed from the first line: comma, semicolon, tab") {
  ScratchDir dir("csv");
  for (const char* delimiter : {",", ";", "\t"}) {
    CAPTURE(std::string(delimiter) == "\t" ? "tab" : delimiter);
    std::string text = std::string("x") + delimiter + "y\n";
    for (int r = 0; r < 4; ++r) text += std::to_string(r) + delimiter + std::to_string(10 * r) + ".5\n";
    write_file(dir / "d.csv", text);
    const auto s = load(dir / "d.csv", kPlain).dataset->series();
    CHECK(column(s, 0) == std::vector<float>{0, 1, 2, 3});
    CHECK(column(s, 1) == std::vector<float>{0.5, 10.5, 20.5, 30.5});
    // Given explicitly, the same.
    CHECK(column(load(dir / "d.csv", with(kPlain, "delimiter", std::string(delimiter))).dataset->series(), 1) ==
          std::vector<float>{0.5, 10.5, 20.5, 30.5});
  }
}

TEST_CASE("csv: quoted cells may hold the delimiter, quotes and line breaks (RFC 4180)") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv",
             "\"temp, \"\"C\"\"\",note,\"hum\"\n"
             "1,\"a, b\",\"10\"\n"
             "2,\"two\nlines\",20\n"
             "3,plain,30\n");
  const auto loaded = load(dir / "d.csv", with(kPlain, "columns", names({"temp, \"C\"", "hum"})));
  const auto s = loaded.dataset->series();
  CHECK(loaded.dataset->describe().inputs[0].name == "temp, \"C\"");
  CHECK(column(s, 0) == std::vector<float>{1, 2, 3});
  CHECK(column(s, 1) == std::vector<float>{10, 20, 30});
  // Line numbers count the line break inside the quoted cell: row 4 of the data starts on line 5.
  write_file(dir / "bad.csv", "a,note\n1,\"x\ny\"\n2,z\nabc,w\n");
  const auto r = refusal(dir / "bad.csv", with(kPlain, "columns", names({"a"})));
  CHECK(r.message.find("bad.csv:5:1 (column 'a'): 'abc' is not a number") != std::string::npos);
}

TEST_CASE("csv: Windows line ends and a UTF-8 byte order mark read as plain lines") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "\xEF\xBB\xBFtemp;hum\r\n1;10\r\n2;20\r\n3;30\r\n");
  const auto loaded = load(dir / "d.csv", kPlain);
  CHECK(loaded.dataset->describe().inputs[0].name == "temp");
  CHECK(column(loaded.dataset->series(), 1) == std::vector<float>{10, 20, 30});
}

TEST_CASE("csv: '#' comment lines are skipped and still counted in line numbers") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "# a sensor log\n# units: C\nv\n1\n# a note in the middle\n2\n\n3\n");
  CHECK(column(load(dir / "d.csv", kPlain).dataset->series(), 0) == std::vector<float>{1, 2, 3});
  write_file(dir / "bad.csv", "# comment\nv\n1\n# comment\nx\n");
  CHECK(refusal(dir / "bad.csv", kPlain).message.find("bad.csv:5:1 (column 'v'): 'x' is not a number") !=
        std::string::npos);
}

TEST_CASE("csv: ISO-8601 times become seconds since 1970 UTC and the time step is the median spacing") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv",
             "time,v\n"
             "2024-01-01,1\n"
             "2024-01-01T01:00Z,2\n"
             "2024-01-01 02:00:00,3\n"
             "2024-01-01T03:00:00Z,4\n"
             "2024-01-01T05:00:00+01:00,5\n"
             "2024-01-01T06:00,6\n");
  const auto loaded = load(dir / "d.csv", with(kPlain, "time_column", std::string("time")));
  const auto s = loaded.dataset->series();
  const double midnight = 1704067200;  // 2024-01-01T00:00:00Z
  CHECK(s.times == std::vector<double>{midnight, midnight + 3600, midnight + 7200, midnight + 10800, midnight + 14400,
                                       midnight + 21600});
  CHECK(s.time_step == 3600);
  CHECK(loaded.dataset->describe().time_kind == seqlab::TimeKind::date);
}

TEST_CASE("csv: missing: drop leaves out the windows touching a gap, which stays NaN in the series") {
  ScratchDir dir("csv");
  // Row 5's a is nan, row 8's is NA (a blank line is skipped, as pandas does, so a one-column file marks gaps
  // with text). window 2: window s has inputs s, s+1 and target s+2.
  std::string text = "a\n";
  for (int r = 0; r < 12; ++r)
    text += (r == 5 ? std::string("nan") : r == 8 ? std::string("NA") : std::to_string(r)) + "\n";
  write_file(dir / "d.csv", text);
  const auto loaded = load(dir / "d.csv", with(kPlain, "missing", std::string("drop")));
  // Windows touching row 5: s = 3, 4, 5; row 8: s = 6, 7, 8. Left: s = 0, 1, 2, 9.
  CHECK(loaded.splits.train.last_rows == std::vector<std::size_t>{1, 2, 3, 10});
  for (float v : loaded.splits.train.inputs) CHECK(std::isfinite(v));
  const auto s = loaded.dataset->series();
  CHECK(std::isnan(s.inputs(5, 0)));
  CHECK(std::isnan(s.targets(8, 0)));
  CHECK(s.inputs(6, 0) == 6);
}

TEST_CASE("csv: missing: interpolate is linear in the time column's values, or in the row number") {
  ScratchDir dir("csv");
  SUBCASE("by time: uneven spacing") {
    // t = 0, 1, 3, 4, 8; v = 0, _, _, 8, 16: the gap is filled on the line from (0, 0) to (4, 8).
    write_file(dir / "d.csv", "t,v\n0,0\n1,\n3,NaN\n4,8\n8,16\n");
    const auto s =
        load(dir / "d.csv", with(with(kPlain, "missing", std::string("interpolate")), "time_column", std::string("t")))
            .dataset->series();
    CHECK(column(s, 0) == std::vector<float>{0, 2, 6, 8, 16});
  }
  SUBCASE("by row") {
    write_file(dir / "d.csv", "v\n0\nNA\nNA\n9\n10\n");
    CHECK(column(load(dir / "d.csv", with(kPlain, "missing", std::string("interpolate"))).dataset->series(), 0) ==
          std::vector<float>{0, 3, 6, 9, 10});
  }
  SUBCASE("a gap at the end of the training period is carried forward, not drawn toward a later value") {
    // 10 rows, training rows 0-6: the gap in rows 5-7 must not see row 8's 100 where it lies in training.
    write_file(dir / "d.csv", "v\n0\n1\n2\n3\n4\nNA\nNA\nNA\n100\n101\n");
    const auto s = load(dir / "d.csv", {{"window", integer(1)},
                                        {"split", std::vector<double>{0.7, 0.3, 0}},
                                        {"normalize", std::string("none")},
                                        {"missing", std::string("interpolate")}})
                       .dataset->series();
    // Rows 5 and 6 (training) keep 4; row 7 (validation) lies on the line from row 4's 4 to row 8's 100.
    CHECK(column(s, 0) == std::vector<float>{0, 1, 2, 3, 4, 4, 4, 76, 100, 101});
  }
}

TEST_CASE("csv: missing: ffill carries the last value forward") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", "a,b\n1,10\n,20\nNA,\n4,nan\n5,50\n");
  const auto s = load(dir / "d.csv", with(kPlain, "missing", std::string("ffill"))).dataset->series();
  CHECK(column(s, 0) == std::vector<float>{1, 1, 1, 4, 5});
  CHECK(column(s, 1) == std::vector<float>{10, 20, 20, 20, 50});
}

TEST_CASE("csv: gaps that a policy cannot fill are refused with their line and column") {
  ScratchDir dir("csv");
  write_file(dir / "start.csv", "a,b\n1,\n2,20\n3,30\n");
  write_file(dir / "end.csv", "a,b\n1,10\n2,20\n3,\n4,\n");
  SUBCASE("error (the default): the first gap") {
    const auto r = refusal(dir / "end.csv", kPlain);
    CHECK(r.param == "missing");
    CHECK(r.message.find("end.csv:4:2 (column 'b'): missing value (an empty cell)") != std::string::npos);
  }
  SUBCASE("ffill: a gap at the start") {
    const auto r = refusal(dir / "start.csv", with(kPlain, "missing", std::string("ffill")));
    CHECK(r.message.find("start.csv:2:2 (column 'b')") != std::string::npos);
    CHECK(r.message.find("no earlier value") != std::string::npos);
  }
  SUBCASE("interpolate: a gap at the start, and one at the end") {
    CHECK(refusal(dir / "start.csv", with(kPlain, "missing", std::string("interpolate")))
              .message.find("start.csv:2:2 (column 'b')") != std::string::npos);
    const auto r = refusal(dir / "end.csv", with(kPlain, "missing", std::string("interpolate")));
    CHECK(r.message.find("end.csv:4:2 (column 'b'): the gap from this row to the end of the file") !=
          std::string::npos);
  }
}
