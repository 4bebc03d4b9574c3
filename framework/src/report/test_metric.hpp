// A run's test score in the data's units, named as `seqlab compare --metric` takes it: test.rmse, test.mae,
// test.mase, test.smape, test.mse (the model's, overall) or test.<metric>.<target> (the model's on one target).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace seqlab {

// Whether `key` is of the form test.<metric>[.<target>].
bool is_test_metric(const std::string& key);

// summary.json's test.model.<metric> (or test.model.per_target.<target>.<metric>); NaN when the summary has none.
double test_metric(const nlohmann::json& summary, const std::string& key);

// The test metric names a summary has a number for, sorted: test.rmse, ..., test.rmse.<target>, ...
std::vector<std::string> test_metric_keys(const nlohmann::json& summary);

}  // namespace seqlab
