// The prediction plot's panels: a row per target with the baselines beside the model in one prediction.png,
// one image per target beyond kMaxTargetsPerImage, and which file each target goes to.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "plots/panel_images.hpp"
#include "plots/prediction_plot.hpp"
#include "support/plot_data.hpp"
#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::read_file;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

seqlab::PredictionSeries panel(const std::string& target, int ahead, bool baselines) {
  seqlab::PredictionSeries s;
  s.y_label = target;
  s.panel = target + ", " + std::to_string(ahead) + " steps ahead";
  s.x_label = "month";
  s.x_is_date = true;
  for (int i = 0; i < 24; ++i) {
    s.x.push_back(-315619200.0 + (i + ahead) * 2629746.0);  // months from 1960 on
    s.target.push_back(i % 12);
    s.predicted.push_back(i % 12 + 0.5);
  }
  if (baselines) {
    s.baselines.push_back({"persistence", std::vector<double>(24, 3.0)});
    s.baselines.push_back({"linear AR", std::vector<double>(24, 4.0)});
  }
  return s;
}

}  // namespace

TEST_CASE("panel_images: one image up to four targets, then one per target with a file-safe, distinct name") {
  CHECK(seqlab::panel_images("prediction", {}).empty());
  const auto few = seqlab::panel_images("prediction", {"a", "b", "c", "d"});
  REQUIRE(few.size() == 1);
  CHECK(few[0].stem == "prediction");
  CHECK(few[0].targets == std::vector<std::size_t>{0, 1, 2, 3});
  const auto many = seqlab::panel_images("prediction", {"a", "b c", "b/c", "d", "e"});
  REQUIRE(many.size() == 5);
  CHECK(many[0].stem == "prediction_a");
  CHECK(many[1].stem == "prediction_b_c");
  CHECK(many[2].stem == "prediction_b_c_2");
  CHECK(many[4].targets == std::vector<std::size_t>{4});
  CHECK(seqlab::panel_image_size(1, 1) == std::pair<int, int>{900, 500});
  CHECK(seqlab::panel_image_size(2, 2).first > 900);
}

TEST_CASE("two targets, two steps each: one prediction.png of 2 x 2 panels, the baselines thin and dashed") {
  ScratchDir dir("prediction-panels");
  const seqlab::PredictionPanels panels = {{panel("passengers", 1, true), panel("passengers", 12, true)},
                                           {panel("income", 1, true), panel("income", 12, true)}};
  const auto outcome = seqlab::plot_prediction_panels(dir.path(), panels, "airline: true vs predicted");
  const std::string dat = read_file(dir / "prediction.dat"), gp = read_file(dir / "prediction.gp");
  INFO(gp);
  const auto data = seqlab::test::dat_blocks(dat);
  REQUIRE(data.size() == 4);
  for (const auto& block : data) CHECK(block.size() == 24);
  CHECK(data[3][0].size() == 5);  // x, target, predicted, persistence, linear AR
  CHECK(data[3][0][4] == "4");
  CHECK(contains(dat, "(income, 12 steps ahead)"));
  CHECK(contains(gp, "set multiplot layout 2,2 rowsfirst title 'airline: true vs predicted'"));
  CHECK(contains(gp, "set title 'passengers, 12 steps ahead'"));
  CHECK(contains(gp, "'prediction.dat' index 3 using 1:5 with lines linewidth 1 dashtype 3"));
  CHECK(count_of(gp, "title 'persistence'") == 4);
  CHECK(count_of(gp, "set xrange [") == 4);  // each panel its dates: 12 steps ahead is 11 months later
  CHECK(contains(gp, "unset multiplot"));
  if (!seqlab::gnuplot_available()) {
    seqlab::test::missing_prerequisite("gnuplot", "apt-get install gnuplot-nox");
    return;
  }
  INFO(outcome.note);
  CHECK(outcome.drawn);
  CHECK(read_file(dir / "prediction.png").rfind("\x89PNG", 0) == 0);
}

TEST_CASE("five targets: one image per target, prediction_<target>.png, and no prediction.png") {
  ScratchDir dir("prediction-many");
  seqlab::PredictionPanels panels;
  for (const char* name : {"t0", "t1", "t2", "t3", "t 4"}) panels.push_back({panel(name, 1, false)});
  const auto outcome = seqlab::plot_prediction_panels(dir.path(), panels, "many");
  for (const char* stem : {"prediction_t0", "prediction_t3", "prediction_t_4"}) {
    CAPTURE(stem);
    CHECK(fs::is_regular_file(dir / (std::string(stem) + ".dat")));
    const std::string gp = read_file(dir / (std::string(stem) + ".gp"));
    CHECK(contains(gp, "set output '" + std::string(stem) + ".png'"));
    CHECK_FALSE(contains(gp, "multiplot"));  // one panel: a plain plot
  }
  CHECK(contains(read_file(dir / "prediction_t_4.gp"), "set title 'many (t 4)'"));
  CHECK_FALSE(fs::exists(dir / "prediction.gp"));
  if (!seqlab::gnuplot_available()) {
    seqlab::test::missing_prerequisite("gnuplot", "apt-get install gnuplot-nox");
    return;
  }
  INFO(outcome.note);
  CHECK(outcome.drawn);
  CHECK(fs::is_regular_file(dir / "prediction_t_4.png"));
}

TEST_CASE("a panel whose baseline has another length is a caller bug") {
  ScratchDir dir("prediction-bad");
  auto bad = panel("a", 1, true);
  bad.baselines[1].values.pop_back();
  CHECK_THROWS_AS(seqlab::plot_prediction_panels(dir.path(), {{bad}}, "t"), std::invalid_argument);
}
