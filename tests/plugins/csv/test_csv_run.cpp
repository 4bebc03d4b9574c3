// The csv dataset end to end: `seqlab validate` and `seqlab run` on tests/plugins/csv/data/sensor_rnn.yaml,
// whose CSV lies next to it (a relative path), with dates, a quoted text column and gaps.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

const char* const kExperiment = "tests/plugins/csv/data/sensor_rnn.yaml";

}  // namespace

TEST_CASE("csv: validate counts the windows of each period") {
  const auto result = run_seqlab(std::string("validate ") + kExperiment);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  // 300 rows: training rows 0-209, validation 210-254. A window's targets are rows s+12 and s+13:
  // s = 0..196 train, 198..241 validate; s = 197 and 242 straddle a boundary and are left out. Test rows
  // 255-299: s = 243..286.
  CHECK(contains(result.output, "ok — 197 training and 44 validation sequences (and 44 test) of 12 steps x 2 "
                                "features -> 1 x 2"));
}

TEST_CASE("csv: seqlab run trains on a CSV experiment and exits 0") {
  ScratchDir dir("csv-run");
  const auto result = run_seqlab(std::string("run ") + kExperiment + " --out '" + (dir / "out") + "' --no-plots");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto summary = nlohmann::json::parse(read_file(dir / "out/summary.json"));
  CHECK(summary["epochs"] == 3);
  CHECK(std::isfinite(summary["final_train_loss"].get<double>()));
  CHECK(std::isfinite(summary["final_val_loss"].get<double>()));
  // config.yaml records the data file as resolved: absolute, next to the experiment.
  const std::string config = read_file(dir / "out/config.yaml");
  CHECK(contains(config, std::string(SEQLAB_TEST_SOURCE_DIR) + "/tests/plugins/csv/data/sensor.csv"));
}
