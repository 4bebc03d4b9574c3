// The csv dataset's target transforms (transform, difference): what the windows hold, what describe() and
// series() tell the runner, which rows feed no window, the refusals, and the runner's inversion back to the file.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "forecast/target_inversion.hpp"
#include "plugins/csv/csv_support.hpp"

using namespace seqlab::test::csv;
using seqlab::test::contains;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// "t,y": y = 5 exp(0.01 t), 6 significant digits as a file would hold it.
std::string exp_csv(int rows) {
  std::string text = "t,y\n";
  char cell[64];
  for (int r = 0; r < rows; ++r) {
    std::snprintf(cell, sizeof cell, "%d,%.6g\n", r, 5 * std::exp(0.01 * r));
    text += cell;
  }
  return text;
}

}  // namespace

TEST_CASE("csv: log + [1] differences the log of the targets, skips the first row, and inverts to the file") {
  ScratchDir dir("csv-transform");
  write_file(dir / "d.csv", exp_csv(100));
  const auto loaded = load(dir / "d.csv", {{"time_column", std::string("t")},
                                           {"window", integer(3)},
                                           {"transform", std::string("log")},
                                           {"difference", std::vector<double>{1}},
                                           {"normalize", std::string("zscore")},
                                           {"split", std::vector<double>{0.6, 0.2, 0.2}}});
  const auto d = loaded.dataset->describe();
  CHECK(d.transform == "log");
  REQUIRE(d.difference.size() == 1);
  CHECK(d.difference[0] == 1);
  const auto s = loaded.dataset->series();
  REQUIRE(s.levels.shape()[0] == 100);
  CHECK(s.levels(42, 0) == 7.60981f);  // 5 exp(0.42) to 6 digits, as the file has it
  // Row 0 has no difference: the first training window starts at row 1 (60 training rows: starts 1 to 56).
  REQUIRE(loaded.splits.train.count() == 56);
  CHECK(loaded.splits.train.last_rows.front() == 3);
  CHECK(std::isnan(s.targets(0, 0)));
  // The model-unit truths of the test windows, inverted by the runner, are the file's values.
  const auto outputs = seqlab::output_features(d, 1, "csv");
  const seqlab::TargetInversion inversion(d, s);
  const auto& test = loaded.splits.test;
  REQUIRE(test.count() > 0);
  const auto back = inversion.to_data(test.targets, test, outputs);
  for (std::size_t n = 0; n < test.count(); ++n) {
    const double level = s.levels(test.last_rows[n] + 1, 0);
    CAPTURE(n);
    CHECK(std::abs(back(n, 0, 0) - level) <= 1e-9 * level);
  }
}

TEST_CASE("csv: a target that is also an input is transformed as an input too, and [1, 12] skips 13 rows") {
  ScratchDir dir("csv-transform");
  write_file(dir / "d.csv", counting_csv(80));  // a = r, b = 100 + r
  const auto loaded = load(dir / "d.csv", {{"columns", names({"a", "b"})},
                                           {"targets", names({"b"})},
                                           {"window", integer(2)},
                                           {"transform", std::string("log1p")},
                                           {"difference", std::vector<double>{1, 12}},
                                           {"normalize", std::string("none")},
                                           {"split", std::vector<double>{0.5, 0.25, 0.25}}});
  const auto s = loaded.dataset->series();
  const auto d = loaded.dataset->describe();
  CHECK(d.difference == std::vector<std::size_t>{1, 12});
  CHECK(s.inputs(20, 0) == 20);  // a: an input only, untouched
  const auto lp = [](double v) { return std::log1p(v); };
  const double expected = (lp(120) - lp(119)) - (lp(108) - lp(107));
  CHECK(s.inputs(20, 1) == doctest::Approx(expected).epsilon(1e-6));
  CHECK(s.targets(20, 0) == s.inputs(20, 1));
  for (std::size_t r = 0; r < 13; ++r) CHECK(std::isnan(s.targets(r, 0)));
  CHECK_FALSE(std::isnan(s.targets(13, 0)));
  CHECK(loaded.splits.train.last_rows.front() == 14);  // the first window's inputs are rows 13 and 14
}

TEST_CASE("csv: log of a value <= 0 is refused naming the line, column and value, and so are bad lags") {
  ScratchDir dir("csv-transform");
  write_file(dir / "d.csv", "t,y\n0,3\n1,2\n2,0\n3,4\n4,5\n5,6\n6,7\n7,8\n");
  const auto refused = refusal(
      dir / "d.csv", {{"time_column", std::string("t")}, {"transform", std::string("log")}, {"window", integer(2)}});
  CHECK(refused.param == "transform");
  CHECK(contains(refused.message, dir / "d.csv:4:2 (column 'y'): 0 has no log"));
  CHECK(contains(refused.message, "log1p"));
  // 0 is fine for log1p.
  CHECK_NOTHROW(load(dir / "d.csv", {{"time_column", std::string("t")},
                                     {"transform", std::string("log1p")},
                                     {"window", integer(2)},
                                     {"split", std::vector<double>{0.5, 0.25, 0.25}}}));
  write_file(dir / "e.csv", "t,y\n0,3\n1,-1\n2,0\n");
  const auto minus = refusal(
      dir / "e.csv", {{"time_column", std::string("t")}, {"transform", std::string("log1p")}, {"window", integer(1)}});
  CHECK(contains(minus.message, dir / "e.csv:3:2 (column 'y'): -1 has no log1p"));
  for (double lag : {0.0, 1.5, -2.0}) {
    CAPTURE(lag);
    try {
      make_dataset(dir / "d.csv", {{"difference", std::vector<double>{1, lag}}});
      FAIL("lag accepted");
    } catch (const seqlab::ParamError& e) {
      CHECK(e.param() == "difference");
      CHECK(contains(e.what(), "lag 2 is"));
    }
  }
}

TEST_CASE("csv: use_units carries the transform to new data, and new data is transformed the same way") {
  ScratchDir dir("csv-transform");
  write_file(dir / "d.csv", exp_csv(40));
  const auto trained = load(dir / "d.csv", {{"time_column", std::string("t")},
                                            {"transform", std::string("log")},
                                            {"difference", std::vector<double>{1}},
                                            {"window", integer(3)}});
  const auto units = trained.dataset->describe();
  // New data read with the model's units, though this dataset's own settings name no transform.
  auto dataset = make_dataset(
      dir / "d.csv",
      {{"time_column", std::string("t")}, {"window", integer(3)}, {"split", std::vector<double>{0, 0, 1}}});
  dataset->use_units(units);
  const auto splits = dataset->load();
  CHECK(dataset->describe().transform == "log");
  CHECK(dataset->describe().difference == std::vector<std::size_t>{1});
  CHECK(splits.test.count() == 40 - 3 - 1);  // row 0 feeds no window
  const auto a = trained.dataset->series(), b = dataset->series();
  CHECK(a.targets(30, 0) == b.targets(30, 0));
  CHECK(b.levels(30, 0) == a.levels(30, 0));
}
