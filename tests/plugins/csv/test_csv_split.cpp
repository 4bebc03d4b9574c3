// The csv dataset's split as row counts and start times, besides fractions, and the refusals of bad ones.
#include <doctest/doctest.h>

#include "plugins/csv/csv_support.hpp"
#include "support/refusal.hpp"

#define CHECK_SAYS(text, part) CHECK_MESSAGE(seqlab::test::contains(text, part), text)

using namespace seqlab::test::csv;
using seqlab::ParamMap;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Monthly dates from 1949-01 for `rows` rows: "month,v" then v = r.
std::string monthly_csv(int rows) {
  std::string text = "month,v\n";
  for (int r = 0; r < rows; ++r) {
    const int year = 1949 + r / 12, month = 1 + r % 12;
    text += std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month) + "-01," + std::to_string(r) +
            "\n";
  }
  return text;
}

// The first target row (0-based, from the window's last input row) of each period's first window.
std::size_t first_target(const seqlab::SequenceSet& set) { return set.last_rows.front() + 1; }

Settings monthly(ParamMap split) {
  return {{"time_column", std::string("month")},
          {"window", integer(3)},
          {"normalize", std::string("none")},
          {"split", split}};
}

}  // namespace

TEST_CASE("csv: split by row counts puts the last rows in test and validation, training the rest") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(40));
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a"})},
                                           {"window", integer(3)},
                                           {"normalize", std::string("none")},
                                           {"split", ParamMap{{"validation", "10"}, {"test", "6"}}}});
  // Rows 0-23 train, 24-33 validate, 34-39 test: a period's windows have their targets in it.
  CHECK(loaded.splits.train.last_rows.back() + 1 == 23);
  CHECK(first_target(loaded.splits.validation) == 24);
  CHECK(loaded.splits.validation.last_rows.back() + 1 == 33);
  CHECK(first_target(loaded.splits.test) == 34);
  CHECK(loaded.splits.test.count() == 6);
  // Without validation the training period reaches the test period.
  const auto no_validation =
      load(dir / "d.csv", {{"columns", names({"a"})}, {"window", integer(3)}, {"split", ParamMap{{"test", "6"}}}});
  CHECK(no_validation.splits.validation.count() == 0);
  CHECK(no_validation.splits.train.last_rows.back() + 1 == 33);
}

TEST_CASE("csv: split by start dates begins each period at the first row at or after its date") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", monthly_csv(36));  // 1949-01 .. 1951-12
  const auto loaded =
      load(dir / "d.csv", monthly(ParamMap{{"validation_from", "1950-06-01"}, {"test_from", "1951-01-15"}}));
  CHECK(first_target(loaded.splits.validation) == 17);  // 1950-06
  CHECK(first_target(loaded.splits.test) == 25);        // 1951-02, the first row at or after 1951-01-15
  CHECK(loaded.splits.test.count() == 11);
}

TEST_CASE("csv: split by start numbers reads them in a numeric time column's terms") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(30));
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a"})},
                                           {"time_column", std::string("t")},
                                           {"window", integer(3)},
                                           {"split", ParamMap{{"validation_from", "20"}, {"test_from", "25.5"}}}});
  CHECK(first_target(loaded.splits.validation) == 20);
  CHECK(first_target(loaded.splits.test) == 26);
}

TEST_CASE("csv: a split that cannot be placed is refused naming split and what would be right") {
  ScratchDir dir("csv");
  write_file(dir / "m.csv", monthly_csv(36));
  write_file(dir / "n.csv", counting_csv(30));
  auto refused = [&](const std::string& file, Settings settings) {
    const Refusal r = refusal(dir / file, settings);
    CHECK(r.param == "split");
    return r.message;
  };
  CHECK_SAYS(refused("m.csv", monthly({{"test_from", "1952-01-01"}})),
             "test_from: '1952-01-01' is after the last data row (row 36, line 37)");
  CHECK_SAYS(refused("m.csv", monthly({{"test_from", "1951"}})), "is not a date like 1959-01-01");
  CHECK_SAYS(refused("m.csv", monthly({{"test_from", "1949-01-01"}})), "leaves no training rows");
  CHECK_SAYS(refused("m.csv", monthly({{"validation_from", "1951-06-01"}, {"test_from", "1951-01-01"}})),
             "the validation period must come first");
  CHECK_SAYS(refused("n.csv", {{"split", ParamMap{{"validation", "20"}, {"test", "10"}}}}),
             "validation: 20 rows leave no training rows: 20 of the 30 data rows come before the test");
  CHECK_SAYS(refused("n.csv", {{"split", ParamMap{{"test", "30"}}}}), "test: 30 rows leave no training");
  CHECK_SAYS(refused("n.csv", {{"split", ParamMap{{"test", "2.5"}}}}), "is not a row count");
  CHECK_SAYS(refused("n.csv", {{"split", ParamMap{{"test_from", "20"}}}}), "needs a time column");
  CHECK_SAYS(refused("n.csv", {{"split", ParamMap{{"test", "3"}, {"test_from", "20"}}}}),
             "either test: ROWS or test_from: TIME, not both");
  // A period too short for one window names the split as written.
  CHECK_SAYS(refused("n.csv", {{"window", integer(3)}, {"horizon", integer(5)}, {"split", ParamMap{{"test", "3"}}}}),
             "the test period (split: {test: 3} of 30 data rows) has 3 row(s)");
}
