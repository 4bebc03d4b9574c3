// Every command's output in the data's units when the csv dataset transforms its target (log + [1]): the run's
// test scores and predictions.csv, eval, eval --data and predict past the horizon, on a trending monthly fixture
// whose values are all above 1000 (in difference units they would be near 0). tests/fixtures/trend_monthly.csv is
// 2000-01 to 2014-12, sales = 1500 exp(0.006 t) (1 + 0.06 sin(2 pi t / 12)) + 8 sin(0.7 t) for month t from 0,
// to 2 decimals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

const std::string kFixture = std::string(SEQLAB_TEST_SOURCE_DIR) + "/tests/fixtures/trend_monthly.csv";

std::vector<std::vector<std::string>> rows_of(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// The fixture by month ("2000-01-01") as float32, as seqlab reads it, and the months in order.
struct Fixture {
  std::map<std::string, float> value;
  std::vector<std::string> months;
};
const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture f;
    const auto rows = rows_of(read_file(kFixture));
    for (std::size_t i = 1; i < rows.size(); ++i) {
      f.value[rows[i][0]] = std::stof(rows[i][1]);
      f.months.push_back(rows[i][0]);
    }
    return f;
  }();
  return f;
}

std::string only_folder_in(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.push_back(entry.path().string());
  return found.size() == 1 ? found[0] : "";
}

// A run of log + [1], horizon 2, made once.
const std::string& transformed_run() {
  static ScratchDir dir("transform-run");
  static const std::string run = [&] {
    write_file(dir / "trend.yaml",
               "name: trend_log_diff\nseed: 0\n"
               "dataset: {plugin: csv, path: '" +
                   kFixture +
                   "', time_column: month, targets: [sales], window: 12, horizon: 2, transform: log, "
                   "difference: [1]}\n"
                   "model: {plugin: lstm, hidden_size: 8}\nloss: {plugin: mse}\n"
                   "optimizer: {plugin: adam, lr: 0.01}\ntraining: {epochs: 30, batch_size: 16, log_every: 10}\n");
    const std::string out = dir / "run";
    const auto result = run_seqlab("run '" + (dir / "trend.yaml") + "' --no-plots --out '" + out + "'");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return out;
  }();
  return run;
}

// predictions.csv (sequence,step,feature,target,prediction,time): every truth is the file's value at its time,
// every prediction a level near it. Returns the RMSE of the predictions and of persistence (the file's value
// the month before each window's first predicted month), both from the file.
std::pair<double, double> check_predictions(const std::string& csv) {
  const auto rows = rows_of(csv);
  REQUIRE(rows.size() > 10);
  CHECK(rows[0] == std::vector<std::string>{"sequence", "step", "feature", "target", "prediction", "time"});
  const Fixture& f = fixture();
  double model = 0, persistence = 0, last_value = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    CAPTURE(r[5]);
    REQUIRE(f.value.count(r[5]));
    const float truth = f.value.at(r[5]), predicted = std::stof(r[4]);
    CHECK(std::stof(r[3]) == truth);
    CHECK(std::abs(predicted - truth) < 0.25 * truth);
    if (r[2] == "sales+1") {
      const auto at = std::find(f.months.begin(), f.months.end(), r[5]);
      last_value = f.value.at(*(at - 1));
    }
    model += (predicted - truth) * (predicted - truth);
    persistence += (last_value - truth) * (last_value - truth);
  }
  const auto n = static_cast<double>(rows.size() - 1);
  return {std::sqrt(model / n), std::sqrt(persistence / n)};
}

}  // namespace

TEST_CASE("run: summary.json's test scores and predictions.csv are in the data's units") {
  const std::string& run = transformed_run();
  const auto test = nlohmann::json::parse(read_file(run + "/summary.json"))["test"];
  const auto [model, persistence] = check_predictions(read_file(run + "/predictions.csv"));
  CHECK(test["model"]["rmse"].get<double>() == doctest::Approx(model).epsilon(1e-5));
  CHECK(test["persistence"]["rmse"].get<double>() == doctest::Approx(persistence).epsilon(1e-6));
  CHECK(test["linear_ar"]["rmse"].get<double>() < 0.25 * 1500);
  const auto units = nlohmann::json::parse(read_file(run + "/data_units.json"));
  CHECK(units["transform"] == "log");
  CHECK(units["difference"] == nlohmann::json::array({1}));
}

TEST_CASE("eval reproduces the run's transformed scores, and eval --data reads new data through the transform") {
  const std::string& run = transformed_run();
  const auto again = run_seqlab("eval '" + run + "' --no-plots");
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  const std::string folder = only_folder_in(run + "/eval");
  CHECK(nlohmann::json::parse(read_file(folder + "/eval.json"))["test"] ==
        nlohmann::json::parse(read_file(run + "/summary.json"))["test"]);

  ScratchDir dir("transform-eval-data");
  const auto result =
      run_seqlab("eval '" + run + "' --no-plots --data '" + kFixture + "' --out '" + (dir / "out") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto eval = nlohmann::json::parse(read_file(dir / "out/eval.json"));
  // Every window of the file but the first, whose first row has no difference: 180 rows, window 12, horizon 2.
  CHECK(eval["test"]["windows"] == 180 - 12 - 2 + 1 - 1);
  const auto [model, persistence] = check_predictions(read_file(dir / "out/predictions.csv"));
  CHECK(eval["test"]["model"]["rmse"].get<double>() == doctest::Approx(model).epsilon(1e-5));
  CHECK(eval["test"]["persistence"]["rmse"].get<double>() == doctest::Approx(persistence).epsilon(1e-6));
}

TEST_CASE("predict past the horizon integrates the forecast back to levels from the data's last value") {
  const std::string& run = transformed_run();
  ScratchDir dir("transform-predict");
  const auto result = run_seqlab("predict '" + run + "' --steps 6 --out '" + (dir / "out") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("autoregressive") != std::string::npos);
  const auto rows = rows_of(read_file(dir / "out/forecast.csv"));
  REQUIRE(rows.size() == 7);
  CHECK(rows[0] == std::vector<std::string>{"month", "sales"});
  CHECK(rows[1][0] == "2015-01-01");
  const float last = fixture().value.at("2014-12-01");
  for (std::size_t k = 1; k <= 6; ++k) {
    CAPTURE(k);
    CHECK(std::abs(std::stof(rows[k][1]) - last) < 0.3 * last);
  }
  // The plot's data: the history drawn is the file's levels, the forecast the same levels as forecast.csv.
  std::istringstream plot(read_file(dir / "out/forecast.dat"));
  std::size_t points = 0;
  for (std::string line; std::getline(plot, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cells(line);
    double x = 0, y = 0;
    cells >> x >> y;
    CHECK(y > 1000);
    ++points;
  }
  CHECK(points == 12 + 6);  // the window's 12 months of history, then the 6 forecast
  // --input: the file read with the run's transform (one window cut, past the rows the difference leaves out)
  // continues it the same way.
  const auto from_input = run_seqlab("predict '" + run + "' --steps 6 --no-plots --input '" + kFixture + "' --out '" +
                                     (dir / "input") + "'");
  INFO(from_input.output);
  REQUIRE(from_input.exit_code == 0);
  CHECK(read_file(dir / "input/forecast.csv") == read_file(dir / "out/forecast.csv"));
}
