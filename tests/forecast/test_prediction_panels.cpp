// The prediction plot's series: per target the first and the last step ahead, at the times of the rows they
// predict, in the data's units, with persistence, seasonal naive and the linear AR on the same windows.
#include <doctest/doctest.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "forecast/prediction_panels.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

// 20 rows at times 1000, 1010, ...; target a (model units r, data 2r + 10) and b (model r^2, data r^2).
// Windows of 4 rows ending at rows 8, 9, 10, predicting 3 rows ahead; the model says truth + 0.5.
struct Fixture {
  seqlab::Readout readout;
  seqlab::SequenceSet set;
  seqlab::Tensor3 predicted;
  seqlab::LinearAutoregression linear_ar;
  Fixture() {
    auto& d = readout.description;
    d.targets = {{"a", 10, 2}, {"b", 0, 1}};
    d.horizon = 3;
    d.time_name = "t";
    d.time_kind = seqlab::TimeKind::number;
    readout.outputs = seqlab::output_features(d, 6, "csv");
    readout.season = 4;
    auto& s = readout.series;
    s.inputs = seqlab::Tensor2::from_shape({20, 1});
    s.targets = seqlab::Tensor2::from_shape({20, 2});
    for (std::size_t r = 0; r < 20; ++r) {
      s.inputs(r, 0) = static_cast<float>(r);
      s.targets(r, 0) = static_cast<float>(r);
      s.targets(r, 1) = static_cast<float>(r * r);
      s.times.push_back(1000.0 + 10.0 * static_cast<double>(r));
    }
    s.time_step = 10;
    s.window = 4;
    set.last_rows = {8, 9, 10};
    set.inputs = seqlab::Tensor3::from_shape({3, 4, 1});
    set.targets = seqlab::Tensor3::from_shape({3, 1, 6});
    predicted = seqlab::Tensor3::from_shape({3, 1, 6});
    for (std::size_t n = 0; n < 3; ++n) {
      for (std::size_t k = 0; k < 4; ++k) set.inputs(n, k, 0) = s.inputs(set.last_rows[n] - 3 + k, 0);
      for (std::size_t o = 0; o < 6; ++o) {
        const auto& f = readout.outputs[o];
        set.targets(n, 0, o) = s.targets(set.last_rows[n] + 1 + f.step, f.target);
        predicted(n, 0, o) = set.targets(n, 0, o) + 0.5f;
      }
    }
    // Only the intercept: output o is always o.
    linear_ar.weights = seqlab::Matrix::from_shape({5, 6});
    linear_ar.weights.fill(0);
    for (std::size_t o = 0; o < 6; ++o) linear_ar.weights(4, o) = static_cast<double>(o);
  }
};

}  // namespace

TEST_CASE("two targets, horizon 3: the first and the third step of each, with the three baselines") {
  const Fixture f;
  const auto panels = seqlab::prediction_panels(f.set, f.predicted, f.readout, &f.linear_ar);
  REQUIRE(panels.size() == 2);
  REQUIRE(panels[0].size() == 2);
  REQUIRE(panels[1].size() == 2);
  CHECK(panels[0][0].panel == "a, 1 step ahead");
  CHECK(panels[0][1].panel == "a, 3 steps ahead");
  CHECK(panels[1][1].panel == "b, 3 steps ahead");
  CHECK(panels[1][1].y_label == "b");
  CHECK(panels[0][0].x_label == "t");
  CHECK_FALSE(panels[0][0].x_is_date);
  const std::vector<std::size_t> last_rows = {8, 9, 10};
  for (std::size_t j = 0; j < 2; ++j)
    for (std::size_t p = 0; p < 2; ++p) {
      const auto& s = panels[j][p];
      const std::size_t ahead = p == 0 ? 1 : 3;
      CAPTURE(s.panel);
      REQUIRE(s.target.size() == 3);
      REQUIRE(s.baselines.size() == 3);
      CHECK(s.baselines[0].name == "persistence");
      CHECK(s.baselines[1].name == "seasonal naive (4)");
      CHECK(s.baselines[2].name == "linear AR");
      auto data = [&](double r) { return j == 0 ? 2 * r + 10 : r * r; };  // row r's value in the data's units
      auto units = [&](double model) { return j == 0 ? 2 * model + 10 : model; };
      for (std::size_t n = 0; n < 3; ++n) {
        const auto row = static_cast<double>(last_rows[n] + ahead);  // the row predicted
        CHECK(s.x[n] == 1000 + 10 * row);
        CHECK(s.target[n] == data(row));
        CHECK(s.predicted[n] == doctest::Approx(units((j == 0 ? row : row * row) + 0.5)));
        CHECK(s.baselines[0].values[n] == data(static_cast<double>(last_rows[n])));
        CHECK(s.baselines[1].values[n] == data(row - 4));  // one season back, 3 steps ahead still observed
        CHECK(s.baselines[2].values[n] == units(static_cast<double>((ahead - 1) * 2 + j)));
      }
    }
}

TEST_CASE(
    "without a season or a linear AR fit only persistence is drawn, and data that is no series gets the AR only") {
  Fixture f;
  f.readout.season = 0;
  auto panels = seqlab::prediction_panels(f.set, f.predicted, f.readout, nullptr);
  REQUIRE(panels[0][0].baselines.size() == 1);
  CHECK(panels[0][0].baselines[0].name == "persistence");

  // Data that is not one series: the windows sorted by target, no persistence.
  f.readout.series = {};
  panels = seqlab::prediction_panels(f.set, f.predicted, f.readout, &f.linear_ar);
  REQUIRE(panels.size() == 2);
  CHECK(panels[0][0].x.empty());
  REQUIRE(panels[0][0].baselines.size() == 1);
  CHECK(panels[0][0].baselines[0].name == "linear AR");
}

TEST_CASE("a csv run with two targets and horizon 3 draws both in prediction.png, each beside its baselines") {
  ScratchDir dir("prediction-panels-run");
  std::string csv = "month,a,b\n";
  for (int r = 0; r < 96; ++r)
    csv += std::to_string(2000 + r / 12) + "-" + (r % 12 < 9 ? "0" : "") + std::to_string(r % 12 + 1) + "-01," +
           std::to_string(std::sin(r * 0.5236)) + "," + std::to_string(0.1 * r + std::cos(r * 0.5236)) + "\n";
  seqlab::test::write_file(dir / "data.csv", csv);
  seqlab::test::write_file(dir / "exp.yaml", R"(name: two_targets
seed: 0
dataset: {plugin: csv, path: data.csv, time_column: month, targets: [a, b], window: 12, horizon: 3, season: 12}
model: {plugin: gru, hidden_size: 8}
loss: {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training: {epochs: 2, batch_size: 16}
)");
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --out '" + (dir / "run") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string dat = read_file(dir / "run/prediction.dat"), gp = read_file(dir / "run/prediction.gp");
  INFO(gp);
  for (const char* panel : {"(a, 1 step ahead)", "(a, 3 steps ahead)", "(b, 1 step ahead)", "(b, 3 steps ahead)"})
    CHECK(contains(dat, panel));
  CHECK(contains(dat, "target predicted 'persistence' 'seasonal naive (12)' 'linear AR'"));
  CHECK(contains(gp, "set multiplot layout 2,2"));
  CHECK(read_file(dir / "run/prediction.png").rfind("\x89PNG", 0) == 0);

  // The first test window's 3-steps-ahead point of b sits at the time predictions.csv gives that output.
  const std::string predictions = read_file(dir / "run/predictions.csv");
  const auto at = predictions.find(",b+3,");
  REQUIRE(at != std::string::npos);
  const auto line_end = predictions.find('\n', at);
  const std::string date = predictions.substr(predictions.rfind(',', line_end) + 1, 10);  // YYYY-MM-DD
  std::tm t{};
  t.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  t.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  t.tm_mday = std::stoi(date.substr(8, 2));
  const std::string block = dat.substr(dat.find("(b, 3 steps ahead)"));
  const auto first_row = block.find("\n", block.find("\n") + 1) + 1;  // after the panel's two '#' lines
  CHECK(std::stod(block.substr(first_row)) == static_cast<double>(::timegm(&t)));

  // eval draws the same panels; predict a forecast panel per target.
  const auto eval = run_seqlab("eval '" + (dir / "run") + "' --out '" + (dir / "eval") + "'");
  INFO(eval.output);
  REQUIRE(eval.exit_code == 0);
  CHECK(contains(read_file(dir / "eval/prediction.dat"), "(b, 3 steps ahead)"));
  CHECK(contains(read_file(dir / "eval/prediction.dat"), "'linear AR'"));
  const auto predict = run_seqlab("predict '" + (dir / "run") + "' --steps 6 --out '" + (dir / "predict") + "'");
  INFO(predict.output);
  REQUIRE(predict.exit_code == 0);
  const std::string forecast_gp = read_file(dir / "predict/forecast.gp");
  CHECK(contains(forecast_gp, "set multiplot layout 2,1"));
  CHECK(contains(forecast_gp, "set title 'b'"));
}
