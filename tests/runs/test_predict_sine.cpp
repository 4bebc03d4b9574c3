// `seqlab predict` on the tutorial's sequence model: it continues the wave on its own.
#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <sstream>
#include <vector>

#include "support/process.hpp"

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

// forecast.csv's rows as numbers: x, forecast, truth.
std::vector<std::vector<double>> forecast_rows(const std::string& csv_text) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(csv_text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

std::string only_folder_in(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) found.push_back(entry.path().string());
  return found.size() == 1 ? found[0] : "";
}

}  // namespace

TEST_CASE("predict continues the sine wave autoregressively: within 0.1 of the truth for 50 steps") {
  ScratchDir dir("predict");
  const std::string run = dir / "run";
  REQUIRE(run_seqlab("run experiments/sine_lstm_sequence.yaml --no-plots --out '" + run + "'").exit_code == 0);
  const std::string weights_before = read_file(run + "/weights/fc.weight.npy");

  const auto result = run_seqlab("predict '" + run + "' --steps 200 --no-plots");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("autoregressive (200 pass(es) through the model)") != std::string::npos);
  const std::string folder = only_folder_in(run + "/predict");  // RUN_DIR/predict/<timestamp>
  REQUIRE(!folder.empty());
  const std::string csv = read_file(folder + "/forecast.csv");
  CHECK(csv.rfind("x,sin(x + shift),sin(x + shift) (truth)\n", 0) == 0);
  const auto rows = forecast_rows(csv);
  REQUIRE(rows.size() == 200);
  double worst = 0;
  for (std::size_t k = 0; k < 50; ++k) {
    CHECK(rows[k][0] == doctest::Approx(5.0 + 0.1 * k));                          // x continues at the data's spacing
    CHECK(rows[k][2] == doctest::Approx(std::sin(5.0 + 0.1 * k)).epsilon(1e-6));  // the truth is the wave
    worst = std::max(worst, std::abs(rows[k][1] - rows[k][2]));
  }
  MESSAGE("worst error over the first 50 steps: ", worst);
  CHECK(worst < 0.1);
  CHECK(read_file(run + "/weights/fc.weight.npy") == weights_before);  // the run's own files are not touched
}

TEST_CASE("predict refuses what it cannot do, naming why") {
  ScratchDir dir("predict-refusals");
  const auto not_a_run = run_seqlab("predict '" + dir.path() + "' --steps 3");
  CHECK(not_a_run.exit_code == 2);
  CHECK(not_a_run.output.find("summary.json") != std::string::npos);

  // The tutorial's sine: the target is 0.1 ahead but the steps are 2*pi/49 apart, so there is no series to feed.
  const std::string run = dir / "run";
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml training.epochs=2 --no-plots --out '" + run + "'").exit_code == 0);
  const auto no_series = run_seqlab("predict '" + run + "' --steps 3");
  CHECK(no_series.exit_code == 1);
  CHECK(no_series.output.find("one series") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(run + "/predict"));
}
