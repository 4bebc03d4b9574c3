// The csv dataset's data sanity: a value a million robust standard deviations from its column's training median
// (a fill value such as 1e20 standing for a missing one) is refused with its line, column and the fill value's
// name, unless outliers: keep; a value that normalisation would carry beyond float32 is refused always.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "plugins/csv/csv_support.hpp"
#include "support/refusal.hpp"

using namespace seqlab::test::csv;
using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

struct Cell {
  int row;
  std::string text;
  bool in_x = false;
};

// "t,y,x": 100 rows with y a slow wave around 20 and x around 5; each of `cells` replaces a row's y (or x).
std::string wave_csv(const std::vector<Cell>& cells = {}) {
  std::string text = "t,y,x\n";
  for (int r = 0; r < 100; ++r) {
    std::string y = std::to_string(20 + 10 * std::sin(r / 5.0)), x = std::to_string(5 + std::cos(r / 7.0));
    for (const Cell& c : cells)
      if (c.row == r) (c.in_x ? x : y) = c.text;
    text += std::to_string(r) + "," + y + "," + x + "\n";
  }
  return text;
}
std::string wave_csv(int row, const std::string& text, bool in_x = false) { return wave_csv({{row, text, in_x}}); }

const Settings kWave = {{"time_column", std::string("t")}, {"targets", names({"y"})}, {"window", integer(4)}};

Settings with(Settings settings, const std::string& key, seqlab::ParamValue value) {
  settings[key] = std::move(value);
  return settings;
}

}  // namespace

TEST_CASE("csv: a 1e20 fill value in a target column is refused, naming line, column and the fill value") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wave_csv(40, "1e20"));  // data row 41: line 42
  const Refusal r = refusal(dir / "d.csv", kWave);
  CHECK(r.param == "outliers");
  CHECK(contains(r.message, dir / "d.csv" + ":42:2 (column 'y'): 1e+20 is "));
  CHECK(contains(r.message, "robust standard deviations from the column's median"));
  CHECK(contains(r.message, "over the training period (data rows 1 to 70)"));
  CHECK(contains(r.message, "1e+20 is a common fill value for missing data (the missing_value of CMIP"));
  CHECK(contains(r.message, "make it an empty cell or NA"));
  CHECK(contains(r.message, "set outliers: keep"));
}

TEST_CASE("csv: seqlab run refuses the 1e20 cell with exit 2 instead of training on it") {
  // The reproduction: before, this exited 0 with every prediction near 6.6e9 and no word of the cell.
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wave_csv(40, "1e20"));
  const std::string out =
      expect_config_error(experiment_yaml("path: '" + (dir / "d.csv") + "', time_column: t, targets: [y], window: 4"));
  CHECK(contains(out, "dataset.outliers"));
  CHECK(contains(out, "d.csv:42:2 (column 'y'): 1e+20 is "));
}

TEST_CASE("csv: validation and test rows, and inputs that are not targets, are checked against the training period") {
  ScratchDir dir("csv");
  SUBCASE("netCDF's default fill value in an input column's test rows") {
    write_file(dir / "d.csv", wave_csv(95, "9.96921e+36", true));
    const Refusal r = refusal(dir / "d.csv", kWave);
    CHECK(r.param == "outliers");
    CHECK(contains(r.message, ":97:3 (column 'x'): 9.96921e+36 is "));
    CHECK(contains(r.message, "netCDF's default fill value"));
  }
  SUBCASE("a value that is no known fill value is refused without naming one") {
    write_file(dir / "d.csv", wave_csv(80, "3e9"));  // validation rows; ~3e8 robust sd from 20
    const Refusal r = refusal(dir / "d.csv", kWave);
    CHECK(contains(r.message, ":82:2 (column 'y'): 3e+09 is "));
    CHECK(contains(r.message, "if it stands for a missing value, make it an empty cell or NA"));
    CHECK_FALSE(contains(r.message, "fill value"));
  }
  SUBCASE("the first in the file is named when there are several") {
    write_file(dir / "d.csv", wave_csv({{60, "-1e34"}, {50, "1e20", true}}));
    const Refusal r = refusal(dir / "d.csv", kWave);
    CHECK(contains(r.message, ":52:3 (column 'x'): 1e+20"));
    write_file(dir / "d.csv", wave_csv(60, "-1e34"));
    CHECK(contains(refusal(dir / "d.csv", kWave).message, "-1e+34 is a common fill value for missing data (Ferret"));
  }
}

TEST_CASE("csv: the line named counts blank lines, comments and quoted line breaks before the value") {
  ScratchDir dir("csv");
  std::string text = "# a comment\nt,y,note\n\n";
  for (int r = 0; r < 60; ++r) {
    text += std::to_string(r) + "," + (r == 50 ? std::string("1e20") : std::to_string(r % 7)) + "," +
            (r == 10 ? "\"two\nlines\"" : "n") + "\n";
    if (r == 20) text += "\n\n# another comment\n";
  }
  write_file(dir / "d.csv", text);
  // Row 50 is on line 3 (header on 2, a blank line) + 50 + 1 (the quoted break) + 3 (two blanks, a comment) + 1.
  const Refusal r = refusal(dir / "d.csv", with(kWave, "columns", names({"y"})));
  CHECK(contains(r.message, "d.csv:58:2 (column 'y'): 1e+20"));
}

TEST_CASE("csv: ordinary data passes: wide spreads, -9999, mostly-zero and constant columns, the shipped data") {
  ScratchDir dir("csv");
  SUBCASE("-9999 in a column of magnitude 20 is within the rule (no new rule for fill values)") {
    write_file(dir / "d.csv", wave_csv(40, "-9999"));
    CHECK_NOTHROW(load(dir / "d.csv", kWave));
  }
  SUBCASE("a column of mostly zeros (a median absolute deviation of 0), like rainfall") {
    std::string text = "rain\n";
    for (int r = 0; r < 100; ++r) text += (r % 5 == 0 ? std::to_string(r % 37 + 0.5) : "0") + "\n";
    write_file(dir / "d.csv", text);
    CHECK_NOTHROW(load(dir / "d.csv", {{"window", integer(4)}}));
    text.replace(text.rfind("\n0\n") + 1, 1, "1e20");  // among the test rows
    write_file(dir / "d.csv", text);
    const Refusal r = refusal(dir / "d.csv", {{"window", integer(4)}});
    CHECK(contains(r.message, "the median of the deviations that are not 0"));
    CHECK(contains(r.message, "1e+20 is a common fill value"));
  }
  SUBCASE("a column constant over the training period that moves later") {
    std::string text = "flag,v\n";
    for (int r = 0; r < 100; ++r) text += std::string(r < 80 ? "0" : "3") + "," + std::to_string(r) + "\n";
    write_file(dir / "d.csv", text);
    CHECK_NOTHROW(load(dir / "d.csv", {{"window", integer(4)}, {"targets", names({"v"})}}));
  }
  SUBCASE("the data of the shipped experiments") {
    const std::string data = std::string(SEQLAB_TEST_SOURCE_DIR) + "/experiments/data/";
    CHECK_NOTHROW(
        load(data + "sunspots.csv",
             {{"time_column", std::string("year")}, {"targets", names({"sunactivity"})}, {"window", integer(12)}}));
    CHECK_NOTHROW(load(data + "electricity_load.csv", {{"time_column", std::string("time")},
                                                       {"columns", names({"load", "temperature"})},
                                                       {"targets", names({"load"})},
                                                       {"window", integer(24)}}));
  }
}

TEST_CASE("csv: outliers: keep trains on the value as it is") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wave_csv(40, "1e20"));
  const auto loaded =
      load(dir / "d.csv", with(with(kWave, "outliers", std::string("keep")), "normalize", std::string("none")));
  CHECK(loaded.dataset->series().targets(40, 0) == 1e20f);
}

TEST_CASE("csv: a value normalisation would carry beyond float32 is refused, even with outliers: keep") {
  ScratchDir dir("csv");
  // Training values 1e-30 apart: a standard deviation of 5e-31, so 1e9 becomes 2e39 once normalised.
  std::string text = "v\n";
  for (int r = 0; r < 100; ++r) text += (r == 90 ? std::string("1e9") : r % 2 ? "1e-30" : "2e-30") + "\n";
  write_file(dir / "d.csv", text);
  CHECK(refusal(dir / "d.csv", {{"window", integer(4)}}).param == "outliers");
  const Refusal r = refusal(dir / "d.csv", {{"window", integer(4)}, {"outliers", std::string("keep")}});
  CHECK(r.param == "normalize");
  CHECK(contains(r.message, "d.csv:92:1 (column 'v'): 1e+09 becomes 2e+39 under zscore normalisation"));
  CHECK(contains(r.message, "beyond float32's largest value"));
}

TEST_CASE("csv: new data for a trained model (no training period) is measured against itself") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wave_csv(30, "1e20"));
  seqlab::DataDescription units;
  units.inputs = {{"y", 20, 7}, {"x", 5, 0.7}};
  units.targets = {{"y", 20, 7}};
  units.normalize = "zscore";
  auto dataset = make_dataset(dir / "d.csv", with(kWave, "split", std::vector<double>{0, 0, 1}));
  dataset->use_units(units);
  try {
    dataset->load();
    FAIL("the 1e20 was accepted");
  } catch (const seqlab::ParamError& e) {
    CHECK(e.param() == "outliers");
    CHECK(contains(e.what(), ":32:2 (column 'y'): 1e+20"));
    CHECK(contains(e.what(), "over all 100 data rows (there is no training period here)"));
  }
}
