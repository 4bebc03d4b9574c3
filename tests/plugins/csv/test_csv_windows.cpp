// The csv dataset's windows: shapes and values for window, horizon, stride and target: sequence; the
// chronological split with look-back; normalisation fitted on the training period only (no leakage).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "plugins/csv/csv_support.hpp"

using namespace seqlab::test::csv;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Every training set in the data's units must come from rows before `end`: last_rows + horizon < end.
void check_rows_before(const seqlab::SequenceSet& set, std::size_t horizon, std::size_t end) {
  for (std::size_t last : set.last_rows) CHECK(last + horizon < end);
}

}  // namespace

TEST_CASE("csv: window, horizon and stride cut the rows as documented") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(20));
  // Inputs a and b, targets a and b, 3 steps in, 2 ahead, a window every 2 rows, all rows for training.
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a", "b"})},
                                           {"targets", names({"a", "b"})},
                                           {"window", integer(3)},
                                           {"horizon", integer(2)},
                                           {"stride", integer(2)},
                                           {"split", std::vector<double>{1, 0, 0}},
                                           {"normalize", std::string("none")}});
  const auto& train = loaded.splits.train;
  // Starts 0, 2, ..., 14: the last window's targets are rows 17 and 18; start 16 would need row 20.
  REQUIRE(train.count() == 8);
  CHECK(train.inputs.shape() == std::array<std::size_t, 3>{8, 3, 2});
  CHECK(train.targets.shape() == std::array<std::size_t, 3>{8, 1, 4});
  CHECK(train.last_rows == std::vector<std::size_t>{2, 4, 6, 8, 10, 12, 14, 16});
  // Window 1 starts at row 2: inputs rows 2..4, targets rows 5 and 6 as h * targets + j.
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(train.inputs(1, k, 0) == 2 + k);
    CHECK(train.inputs(1, k, 1) == 102 + k);
  }
  CHECK(train.targets(1, 0, 0) == 5);    // h 0, a
  CHECK(train.targets(1, 0, 1) == 105);  // h 0, b
  CHECK(train.targets(1, 0, 2) == 6);    // h 1, a
  CHECK(train.targets(1, 0, 3) == 106);  // h 1, b
  CHECK(loaded.splits.validation.count() == 0);
  CHECK(loaded.splits.test.count() == 0);
  CHECK(loaded.splits.validation.inputs.shape() == std::array<std::size_t, 3>{0, 3, 2});
}

TEST_CASE("csv: target: sequence gives every step the next row's targets") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(10));
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a"})},
                                           {"targets", names({"b"})},
                                           {"window", integer(4)},
                                           {"target", std::string("sequence")},
                                           {"split", std::vector<double>{1, 0, 0}},
                                           {"normalize", std::string("none")}});
  const auto& train = loaded.splits.train;
  REQUIRE(train.count() == 6);  // starts 0..5: the last target row is start + 4 <= 9
  CHECK(train.targets.shape() == std::array<std::size_t, 3>{6, 4, 1});
  for (std::size_t n = 0; n < 6; ++n)
    for (std::size_t k = 0; k < 4; ++k) {
      CHECK(train.inputs(n, k, 0) == n + k);
      CHECK(train.targets(n, k, 0) == 100 + n + k + 1);
    }
  CHECK(train.last_rows.back() == 8);
}

TEST_CASE("csv: target: sequence with horizon > 1 is refused, naming both") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(10));
  try {
    make_dataset(dir / "d.csv", {{"target", std::string("sequence")}, {"horizon", integer(3)}});
    FAIL("not refused");
  } catch (const seqlab::ParamError& e) {
    CHECK(e.param() == "target");
    CHECK(std::string(e.what()).find("horizon: 1 (not 3)") != std::string::npos);
  }
}

TEST_CASE("csv: the split is chronological: a window goes where all its targets are, inputs look back") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(20));
  const Settings base = {{"columns", names({"a"})},
                         {"window", integer(3)},
                         {"split", std::vector<double>{0.5, 0.25, 0.25}},
                         {"normalize", std::string("none")}};
  SUBCASE("horizon 1: every window has a home") {
    // Rows 0-9 train, 10-14 validation, 15-19 test. Window s has its target at row s + 3.
    const auto loaded = load(dir / "d.csv", base);
    CHECK(loaded.splits.train.count() == 7);       // s = 0..6
    CHECK(loaded.splits.validation.count() == 5);  // s = 7..11
    CHECK(loaded.splits.test.count() == 5);        // s = 12..16
    // The first validation window's inputs are training rows 7, 8, 9; its target row 10.
    CHECK(loaded.splits.validation.inputs(0, 0, 0) == 7);
    CHECK(loaded.splits.validation.inputs(0, 2, 0) == 9);
    CHECK(loaded.splits.validation.targets(0, 0, 0) == 10);
    CHECK(loaded.splits.validation.last_rows.front() == 9);
    CHECK(loaded.splits.test.last_rows.front() == 14);
    check_rows_before(loaded.splits.train, 1, 10);
  }
  SUBCASE("horizon 2: windows whose targets straddle a boundary are dropped") {
    Settings settings = base;
    settings["horizon"] = integer(2);
    const auto loaded = load(dir / "d.csv", settings);
    // Targets rows s+3, s+4: s = 6 straddles 9|10 and s = 11 straddles 14|15.
    CHECK(loaded.splits.train.last_rows == std::vector<std::size_t>{2, 3, 4, 5, 6, 7});
    CHECK(loaded.splits.validation.last_rows == std::vector<std::size_t>{9, 10, 11, 12});
    CHECK(loaded.splits.test.last_rows == std::vector<std::size_t>{14, 15, 16, 17});
    check_rows_before(loaded.splits.train, 2, 10);
  }
}

TEST_CASE("csv: no validation or test value reaches the normaliser or a training target") {
  // 40 rows: 28 training rows cycling 0..6, then validation and test rows of 1e6.
  ScratchDir dir("csv");
  std::string text = "x\n";
  double sum = 0, squares = 0;
  for (int r = 0; r < 40; ++r) {
    const double v = r < 28 ? r % 7 : 1e6;
    text += std::to_string(v) + "\n";
    if (r < 28) sum += v;
  }
  const double mean = sum / 28;
  for (int r = 0; r < 28; ++r) squares += (r % 7 - mean) * (r % 7 - mean);
  write_file(dir / "d.csv", text);
  SUBCASE("zscore") {
    const auto loaded = load(dir / "d.csv", {{"window", integer(4)}, {"normalize", std::string("zscore")}});
    const auto units = loaded.dataset->describe();
    REQUIRE(units.targets.size() == 1);
    CHECK(units.normalize == "zscore");
    CHECK(units.targets[0].offset == doctest::Approx(mean));  // 3, not ~300000
    CHECK(units.targets[0].scale == doctest::Approx(std::sqrt(squares / 28)));
    CHECK(units.inputs[0].offset == units.targets[0].offset);
    // In the data's units no training target or input is the test period's value.
    const auto& train = loaded.splits.train;
    REQUIRE(train.count() > 0);
    for (float v : train.targets) CHECK(v * units.targets[0].scale + units.targets[0].offset <= 6.0001);
    for (float v : train.inputs) CHECK(v * units.inputs[0].scale + units.inputs[0].offset <= 6.0001);
    check_rows_before(train, 1, 28);
    // The validation targets are the huge values, normalised with the training period's units.
    CHECK(loaded.splits.validation.targets(0, 0, 0) == doctest::Approx((1e6 - mean) / std::sqrt(squares / 28)));
  }
  SUBCASE("minmax: the training period maps to [0, 1]") {
    const auto loaded = load(dir / "d.csv", {{"window", integer(4)}, {"normalize", std::string("minmax")}});
    const auto units = loaded.dataset->describe();
    CHECK(units.targets[0].offset == 0);
    CHECK(units.targets[0].scale == 6);
    for (float v : loaded.splits.train.targets) {
      CHECK(v >= 0);
      CHECK(v <= 1);
    }
  }
}

TEST_CASE("csv: describe and series: names, units, fed_back, unshifted targets, row numbers as times") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv",
             "a,b,c\n1,10,5\n2,20,5\n3,30,5\n4,40,5\n5,50,5\n6,60,5\n7,70,5\n8,80,5\n9,90,5\n10,100,5\n");
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a", "b"})},
                                           {"targets", names({"b", "c"})},
                                           {"window", integer(2)},
                                           {"split", std::vector<double>{0.6, 0.4, 0}},
                                           {"normalize", std::string("minmax")}});
  const auto d = loaded.dataset->describe();
  REQUIRE(d.inputs.size() == 2);
  CHECK(d.inputs[0].name == "a");
  CHECK(d.inputs[1].name == "b");
  CHECK(d.targets[0].name == "b");
  CHECK(d.targets[1].name == "c");
  CHECK(d.fed_back == std::vector<int>{1, -1});
  CHECK(d.horizon == 1);
  CHECK(d.time_kind == seqlab::TimeKind::none);
  // Fitted on the 6 training rows: a in [1, 6], b in [10, 60]; c is constant: scale 1.
  CHECK(d.inputs[0].offset == 1);
  CHECK(d.inputs[0].scale == 5);
  CHECK(d.targets[0].offset == 10);
  CHECK(d.targets[0].scale == 50);
  CHECK(d.targets[1].scale == 1);
  const auto s = loaded.dataset->series();
  REQUIRE(s.rows() == 10);
  CHECK(s.window == 2);
  CHECK(s.time_step == 1);
  CHECK(s.times[9] == 9);
  CHECK(s.targets(9, 0) == doctest::Approx((100 - 10) / 50.0));  // row 9's own b, not the next row's
  CHECK(s.inputs(0, 0) == 0);
  CHECK(s.inputs(5, 0) == 1);
}

TEST_CASE("csv: use_units takes a trained model's units by column name, and refuses other columns") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", counting_csv(12));
  seqlab::DataDescription units;
  units.inputs = {{"a", 100, 4}};
  units.targets = {{"a", 100, 4}};
  units.normalize = "zscore";
  {
    auto dataset = make_dataset(
        dir / "d.csv", {{"columns", names({"a"})}, {"window", integer(2)}, {"split", std::vector<double>{0, 0, 1}}});
    dataset->use_units(units);
    const auto splits = dataset->load();
    CHECK(splits.train.count() == 0);
    REQUIRE(splits.test.count() == 10);
    CHECK(splits.test.inputs(0, 0, 0) == (0 - 100) / 4.0f);
    CHECK(dataset->describe().inputs[0].offset == 100);
  }
  {
    auto dataset = make_dataset(dir / "d.csv", {{"columns", names({"b"})}, {"window", integer(2)}});
    dataset->use_units(units);
    try {
      dataset->load();
      FAIL("other columns were accepted");
    } catch (const seqlab::ParamError& e) {
      CHECK(e.param() == "columns");
      CHECK(std::string(e.what()).find("inputs [b]") != std::string::npos);
      CHECK(std::string(e.what()).find("inputs [a]") != std::string::npos);
    }
  }
}
