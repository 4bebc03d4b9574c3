// `seqlab predict` on a monthly csv run with calendar features and a known-future column: dates continue
// calendar-true (month ends stay month ends), steps past the horizon read the future rows of --input, and the
// refusal names the input that has none.
#include <doctest/doctest.h>
#include <filesystem>

#include "plugins/csv/csv_support.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Month ends from 2019-01-31 on: v a seasonal series, promo 0/1.
std::string monthly_csv(int rows, int future_rows) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::string text = "date,v,promo\n";
  for (int r = 0; r < rows + future_rows; ++r) {
    const int year = 2019 + r / 12, month = r % 12 + 1;
    const int day = month == 2 && year % 4 == 0 ? 29 : days[month - 1];
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    const std::string v = r < rows ? std::to_string(10 + (r % 12) + r % 3) : "";
    text += std::string(date) + "," + v + "," + std::to_string(r % 2) + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("predict past the horizon with calendar features and a known-future column") {
  ScratchDir dir("predict-calendar");
  write_file(dir / "train.csv", monthly_csv(48, 0));
  write_file(dir / "e.yaml",
             seqlab::test::csv::experiment_yaml("path: train.csv, time_column: date, targets: [v], window: 6, "
                                                "calendar: [month], known_future: [promo], split: [0.7, 0.15, 0.15]"));
  const auto trained = run_seqlab("run '" + (dir / "e.yaml") + "' --out '" + (dir / "run") + "' --no-plots");
  INFO(trained.output);
  REQUIRE(trained.exit_code == 0);
  const auto units = read_file(dir / "run/data_units.json");
  CHECK(contains(units, "\"frequency\": \"month_end\""));
  CHECK(contains(units, "\"kind\": \"known_future\""));

  // The run's own file has no future rows: promo is missing, and only promo.
  const auto refused = run_seqlab("predict '" + (dir / "run") + "' --steps 3 --no-plots");
  CHECK(refused.exit_code != 0);
  CHECK(contains(refused.output, "'promo'"));
  CHECK(!contains(refused.output, "month_sin"));
  // One step is within the horizon: no input is needed past the end.
  CHECK(run_seqlab("predict '" + (dir / "run") + "' --steps 1 --no-plots --out '" + (dir / "one") + "'").exit_code ==
        0);
  CHECK(contains(read_file(dir / "one/forecast.csv"), "\n2023-01-31,"));  // the history ends on 2022-12-31

  // --input with the history and three future rows (promo given, v empty) forecasts 4 steps.
  write_file(dir / "future.csv", monthly_csv(48, 3));
  const auto result = run_seqlab("predict '" + (dir / "run") + "' --steps 4 --no-plots --input '" +
                                 (dir / "future.csv") + "' --out '" + (dir / "four") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.output, "autoregressive"));
  const std::string forecast = read_file(dir / "four/forecast.csv");
  CHECK(contains(forecast, "\n2023-01-31,"));
  CHECK(contains(forecast, "\n2023-02-28,"));
  CHECK(contains(forecast, "\n2023-03-31,"));
  CHECK(contains(forecast, "\n2023-04-30,"));
}
