// Bad CSV files and settings: `seqlab run` exits 2 before writing anything, and the message names the data
// file, the line and column (as an editor counts them) and what would be right.
#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>

#include "plugins/csv/csv_support.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;
using seqlab::test::csv::experiment_yaml;

namespace {

// Writes `text` as data.csv and runs an experiment on it with `settings`; returns the refusal's output. A refusal
// of the data names the file; one of the settings alone (`names_file` false) need not.
std::string refused(const std::string& text, const std::string& settings = "window: 2", bool names_file = true) {
  ScratchDir dir("csv");
  write_file(dir / "data.csv", text);
  const std::string out = expect_config_error(experiment_yaml("path: '" + (dir / "data.csv") + "', " + settings));
  CHECK(contains(out, "exp.yaml:3:"));  // the dataset line of the experiment
  if (names_file) CHECK(contains(out, dir / "data.csv"));
  return out;
}

}  // namespace

TEST_CASE("csv refuses a file that is not there, naming the path as resolved against the experiment") {
  const std::string out = expect_config_error(experiment_yaml("path: no/such.csv, window: 2"));
  CHECK(contains(out, "dataset.path"));
  CHECK(contains(out, "/no/such.csv: no such file"));
  // Absolute: the experiment's scratch folder, then the name as written.
  CHECK(contains(out, std::filesystem::temp_directory_path().string()));
}

TEST_CASE("csv refuses a directory") {
  ScratchDir dir("csv");
  const std::string out = expect_config_error(experiment_yaml("path: '" + dir.path() + "', window: 2"));
  CHECK(contains(out, dir.path() + ": is a directory"));
}

TEST_CASE("csv refuses a device or a pipe at once, instead of reading for ever or waiting for a writer") {
  // Each within expect_config_error's time limit (kRefusalSeconds).
  CHECK(
      contains(expect_config_error(experiment_yaml("path: /dev/zero, window: 2")), "/dev/zero: is not a regular file"));
  ScratchDir dir("csv");
  const std::string fifo = dir / "pipe.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(contains(expect_config_error(experiment_yaml("path: '" + fifo + "', window: 2")),
                 "pipe.csv: is not a regular file"));
  const std::string link = dir / "zeros.csv";  // a symlink is judged by what it points to
  std::filesystem::create_symlink("/dev/zero", link);
  CHECK(contains(expect_config_error(experiment_yaml("path: '" + link + "', window: 2")), "is not a regular file"));
}

TEST_CASE("csv refuses an empty file and one with only comments") {
  CHECK(contains(refused(""), "data.csv:1: the file has no rows"));
  CHECK(contains(refused("# nothing but a comment\n\n"), "data.csv:1: the file has no rows"));
}

TEST_CASE("csv refuses a header without data rows") {
  CHECK(contains(refused("# units\ntemp,hum\n"), "data.csv:2: the file has a header but no data rows"));
}

TEST_CASE("csv refuses a cell that is not a number") {
  const std::string out = refused("a,b\n1,2\n3,x1\n4,5\n");
  CHECK(contains(out, "data.csv:3:2 (column 'b'): 'x1' is not a number"));
  CHECK(contains(out, "dataset.path"));
}

TEST_CASE("csv refuses a number beyond float32") {
  CHECK(contains(refused("a\n1\n1e40\n2\n"), "data.csv:3:1 (column 'a'): '1e40' is outside float32's range"));
}

TEST_CASE("csv refuses a ragged row, saying how many cells were expected and found") {
  CHECK(contains(refused("a,b\n1,2\n3\n4,5\n"),
                 "data.csv:3:2 (column 'b'): this row has 1 cell(s) but the header (line 1) has 2"));
  CHECK(contains(refused("a,b\n1,2\n3,4,5\n"), "data.csv:3:3: this row has 3 cell(s) but the header (line 1) has 2"));
  CHECK(contains(refused("1,2\n3,4,5\n"), "data.csv:2:3: this row has 3 cell(s) but the first row (line 1) has 2"));
}

TEST_CASE("csv refuses a header that names two columns alike") {
  CHECK(contains(refused("a,b,a\n1,2,3\n"), "data.csv:1:3: the header names column 3 'a' as it names column 1"));
}

TEST_CASE("csv refuses a header that is not UTF-8") {
  CHECK(contains(refused("a,b\xff\xfe\n1,2\n"), "data.csv:1:2: the header cell 'b\\xFF\\xFE' is not valid UTF-8"));
}

TEST_CASE("csv refuses unknown column names with a suggestion, and indices out of range") {
  const std::string header = "time,temperature,humidity\n0,1,2\n1,2,3\n2,3,4\n3,4,5\n";
  SUBCASE("columns") {
    const std::string out = refused(header, "window: 2, columns: [temprature]");
    CHECK(contains(out, "dataset.columns"));
    CHECK(contains(out, "data.csv:1: the header has no column 'temprature' (did you mean 'temperature'?)"));
    CHECK(contains(out, "its columns are: time, temperature, humidity"));
  }
  SUBCASE("targets") {
    const std::string out = refused(header, "window: 2, targets: humidty");
    CHECK(contains(out, "dataset.targets"));
    CHECK(contains(out, "(did you mean 'humidity'?)"));
  }
  SUBCASE("time_column") {
    const std::string out = refused(header, "window: 2, time_column: tme");
    CHECK(contains(out, "dataset.time_column"));
    CHECK(contains(out, "(did you mean 'time'?)"));
  }
  SUBCASE("an index out of range") {
    const std::string out = refused(header, "window: 2, columns: [1, 3]");
    CHECK(contains(out, "data.csv:1: column index 3 is out of range: the file has 3 column(s), indexed 0 to 2"));
  }
}

TEST_CASE("csv refuses a period too short for one window, naming it and the rows it has and needs") {
  std::string rows = "v\n";
  for (int r = 0; r < 20; ++r) rows += std::to_string(r) + "\n";
  SUBCASE("training") {
    const std::string out = refused(rows, "window: 14");
    CHECK(contains(out, "dataset.split"));
    CHECK(contains(out, "the training period (split: [0.7, 0.15, 0.15] of 20 data rows) has 14 row(s)"));
    CHECK(contains(out, "one window needs 15 there (window 14, horizon 1)"));
  }
  SUBCASE("validation") {
    const std::string out = refused(rows, "window: 2, horizon: 4");
    CHECK(contains(out,
                   "the validation period (split: [0.7, 0.15, 0.15] of 20 data rows) has 3 row(s) (data rows "
                   "15 to 17) but one window needs 4 there"));
  }
}

TEST_CASE("csv refuses missing and infinite values under missing: error, naming the first") {
  const std::string out = refused("a,b\n1,2\n3,NaN\n4,\n");
  CHECK(contains(out, "dataset.missing"));
  CHECK(contains(out, "data.csv:3:2 (column 'b'): missing value ('NaN')"));
  CHECK(contains(out, "set missing: drop, interpolate or ffill"));
  CHECK(contains(refused("a\n1\n-inf\n"), "data.csv:3:1 (column 'a'): '-inf' is infinite"));
}

TEST_CASE("csv refuses a time column that does not increase, naming both rows") {
  const std::string out = refused("t,v\n1,1\n2,2\n2,3\n4,4\n", "window: 2, time_column: t");
  CHECK(contains(out, "data.csv:4:1 (column 't'): the time '2' is not after the previous row's (line 3)"));
}

TEST_CASE("csv refuses a date it cannot read, saying which part is wrong") {
  const std::string out = refused("t,v\n2024-01-01,1\n2024-13-01,2\n", "window: 2, time_column: t");
  CHECK(contains(out, "data.csv:3:1 (column 't'): '2024-13-01' is not a valid ISO-8601 date: month 13 is not in 1-12"));
  CHECK(contains(refused("t,v\n2024-02-28,1\n2024-02-30,2\n", "window: 2, time_column: t"),
                 "day 30 is not in month 2 of 2024"));
}

TEST_CASE("csv refuses malformed quoting") {
  CHECK(contains(refused("a,b\n1,\"2\"x\n3,4\n"), "data.csv:2:2 (column 'b'): malformed quoting"));
  CHECK(contains(refused("a\n1\n\"2\n3\n"), "data.csv:3:1 (column 'a'): the file ends inside a quoted cell"));
}

TEST_CASE("csv refuses inconsistent settings before reading data") {
  const std::string rows = "v\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  CHECK(contains(refused(rows, "window: 2, split: [0.5, 0.2, 0.2]", false), "must sum to 1; they sum to 0.9"));
  CHECK(contains(refused(rows, "window: 2, target: sequence, horizon: 2", false), "dataset.target"));
  CHECK(contains(refused("t,v\n1,1\n2,2\n", "window: 2, time_column: t, columns: [t, v]"), "column 1 't' of "));
}
