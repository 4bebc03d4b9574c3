// The forecast plot: forecast.dat's two blocks (history, then forecast with the truth when known), a forecast.gp
// that draws them, and forecast.png when gnuplot is there.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "plots/forecast_plot.hpp"
#include "support/plot_data.hpp"
#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

seqlab::ForecastSeries sample(bool with_truth) {
  seqlab::ForecastSeries s;
  s.history_x = {0, 1, 2, 3};
  s.history = {0.5, 0.25, 0.125, 0.1};
  s.x = {4, 5};
  s.forecast = {0.0625, 1.0 / 3};
  if (with_truth) s.truth = {0.07, 0.3};
  s.x_label = "month";
  s.y_label = "sunspots";
  return s;
}

}  // namespace

TEST_CASE("plot_forecast writes the history and the forecast as two blocks, numbers that read back exactly") {
  ScratchDir dir("forecast-plot");
  const auto s = sample(true);
  seqlab::plot_forecast(dir / "predict", s, "sunspots: 2 months ahead");
  const std::string dat = read_file(dir / "predict/forecast.dat");
  CHECK(dat.rfind("# forecast: sunspots: 2 months ahead\n", 0) == 0);
  const auto data = seqlab::test::dat_blocks(dat);
  REQUIRE(data.size() == 2);
  REQUIRE(data[0].size() == 4);
  REQUIRE(data[1].size() == 2);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(data[0][i].size() == 2);
    CHECK(std::strtod(data[0][i][1].c_str(), nullptr) == s.history[i]);
  }
  CHECK(data[1][1].size() == 3);  // x, forecast, truth
  CHECK(std::strtod(data[1][1][0].c_str(), nullptr) == 5);
  CHECK(std::strtod(data[1][1][1].c_str(), nullptr) == 1.0 / 3);  // round-trip precision
  CHECK(std::strtod(data[1][1][2].c_str(), nullptr) == 0.3);
  const std::string gp = read_file(dir / "predict/forecast.gp");
  CHECK(contains(gp, "set xlabel 'month'"));
  CHECK(contains(gp, "set ylabel 'sunspots'"));
  CHECK(contains(gp, "title 'forecast'"));
  CHECK(contains(gp, "title 'truth'"));
}

TEST_CASE("plot_forecast without the truth draws no truth line, and refuses series of different lengths") {
  ScratchDir dir("forecast-plot");
  seqlab::plot_forecast(dir.path(), sample(false), "");
  const auto data = seqlab::test::dat_blocks(read_file(dir / "forecast.dat"));
  REQUIRE(data.size() == 2);
  CHECK(data[1][0].size() == 2);
  CHECK_FALSE(contains(read_file(dir / "forecast.gp"), "truth'"));
  auto bad = sample(true);
  bad.truth.pop_back();
  CHECK_THROWS_AS(seqlab::plot_forecast(dir.path(), bad, ""), std::invalid_argument);
  bad = sample(false);
  bad.history.pop_back();
  CHECK_THROWS_AS(seqlab::plot_forecast(dir.path(), bad, ""), std::invalid_argument);
}

TEST_CASE("plot_forecast draws forecast.png with gnuplot, and forecast.gp redraws it") {
  if (!seqlab::gnuplot_available()) {
    seqlab::test::missing_prerequisite("gnuplot", "apt-get install gnuplot-nox");
    return;
  }
  ScratchDir dir("forecast-plot");
  const auto outcome = seqlab::plot_forecast(dir.path(), sample(true), "sunspots");
  INFO(outcome.note);
  CHECK(outcome.drawn);
  CHECK(read_file(dir / "forecast.png").rfind("\x89PNG", 0) == 0);
  fs::remove(dir / "forecast.png");
  CHECK(seqlab::test::run_shell("cd '" + dir.path() + "' && gnuplot forecast.gp").exit_code == 0);
  CHECK(read_file(dir / "forecast.png").rfind("\x89PNG", 0) == 0);
}

TEST_CASE("plot_forecast with two targets: a panel each in forecast.png, two blocks per target") {
  ScratchDir dir("forecast-targets");
  auto second = sample(true);
  second.y_label = "area";
  second.forecast = {7, 8};
  seqlab::plot_forecast(dir.path(), std::vector<seqlab::ForecastSeries>{sample(true), second}, "two");
  const auto data = seqlab::test::dat_blocks(read_file(dir / "forecast.dat"));
  REQUIRE(data.size() == 4);
  CHECK(data[3][1][1] == "8");
  const std::string gp = read_file(dir / "forecast.gp");
  INFO(gp);
  CHECK(contains(gp, "set multiplot layout 2,1 title 'two'"));
  CHECK(contains(gp, "set title 'area'"));
  CHECK(contains(gp, "'forecast.dat' index 3 using 1:3"));
}
