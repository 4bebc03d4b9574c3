// The shipped trending+seasonal experiment (experiments/gas_lstm.yaml): its recipe is what the diagnostics advise,
// and with it the model beats every baseline on the test period, in the data's units (docs/your-own-data.md).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("gas_lstm follows the diagnostics' advice and beats persistence, seasonal naive and the linear AR") {
  // Its own settings leave the diagnostics nothing to advise; without them they advise exactly those settings.
  auto result = run_seqlab("validate experiments/gas_lstm.yaml");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.output, "diagnostics: gas (356 training rows): trends upward"));
  CHECK_FALSE(contains(result.output, "advice:"));
  result = run_seqlab(
      "validate experiments/gas_lstm.yaml dataset.transform=none dataset.difference=[] dataset.calendar=[] "
      "dataset.season=0");
  INFO(result.output);
  CHECK(contains(result.output, "try `dataset.difference: [1]`"));
  CHECK(contains(result.output, "try `dataset.transform: log`"));
  CHECK(contains(result.output, "try `dataset.season: 12` and `dataset.calendar: [month]`"));

  ScratchDir dir("gas");
  result = run_seqlab("run experiments/gas_lstm.yaml --no-plots --out '" + (dir / "run") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto test = nlohmann::json::parse(read_file(dir / "run/summary.json"))["test"];
  CHECK(test["windows"] == 72);
  CHECK(test["beats_persistence"] == true);
  CHECK(test["beats_seasonal_naive"] == true);
  CHECK(test["beats_linear_ar"] == true);
  CHECK(test["loses_to_baseline"].empty());
  // In the data's units: gas production in the test period runs from about 36,000 to 67,000.
  CHECK(test["model"]["rmse"].get<double>() > 1000);
  CHECK(test["model"]["rmse"].get<double>() < test["linear_ar"]["rmse"].get<double>());
}
