// Test scores read out of summary.json by their dotted names.
#include <cmath>
#include <doctest/doctest.h>

#include "report/test_metric.hpp"

TEST_CASE("test.<metric> reads the model's overall score, test.<metric>.<target> its score on one target") {
  const auto summary = nlohmann::json::parse(R"({"test": {"model": {"rmse": 2.5, "mase": 0.75,
      "per_target": {"sales": {"rmse": 3.0, "smape": 12.5}, "unemployment.rate": {"mae": 0.25}}},
      "persistence": {"rmse": 9}}})");
  CHECK(seqlab::is_test_metric("test.rmse"));
  CHECK(seqlab::is_test_metric("test.smape.sales"));
  CHECK_FALSE(seqlab::is_test_metric("test.accuracy"));
  CHECK_FALSE(seqlab::is_test_metric("val_loss"));
  CHECK(seqlab::test_metric(summary, "test.rmse") == 2.5);
  CHECK(seqlab::test_metric(summary, "test.mase") == 0.75);
  CHECK(seqlab::test_metric(summary, "test.rmse.sales") == 3.0);
  CHECK(seqlab::test_metric(summary, "test.mae.unemployment.rate") == 0.25);  // a target name with a dot
  CHECK(std::isnan(seqlab::test_metric(summary, "test.mae")));                // not in the record
  CHECK(std::isnan(seqlab::test_metric(summary, "test.rmse.other")));
  CHECK(std::isnan(seqlab::test_metric(nlohmann::json::object(), "test.rmse")));
  const auto keys = seqlab::test_metric_keys(summary);
  CHECK(keys == std::vector<std::string>{"test.rmse", "test.mase", "test.rmse.sales", "test.smape.sales",
                                         "test.mae.unemployment.rate"});
}
