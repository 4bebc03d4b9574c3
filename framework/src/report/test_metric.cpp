// Reading a test score out of summary.json by its dotted name.
#include "report/test_metric.hpp"

#include <cmath>

namespace seqlab {

namespace {

const char* const kMetrics[] = {"mse", "rmse", "mae", "mase", "smape"};

bool known_metric(const std::string& name) {
  for (const char* m : kMetrics)
    if (name == m) return true;
  return false;
}

const nlohmann::json* model_scores(const nlohmann::json& summary) {
  if (!summary.is_object() || !summary.contains("test") || !summary["test"].is_object()) return nullptr;
  const auto& test = summary["test"];
  return test.contains("model") && test["model"].is_object() ? &test["model"] : nullptr;
}

}  // namespace

bool is_test_metric(const std::string& key) {
  if (key.rfind("test.", 0) != 0) return false;
  const std::string rest = key.substr(5);
  return known_metric(rest.substr(0, rest.find('.')));
}

double test_metric(const nlohmann::json& summary, const std::string& key) {
  const nlohmann::json* model = model_scores(summary);
  if (!model || !is_test_metric(key)) return NAN;
  const std::string rest = key.substr(5);
  const std::size_t dot = rest.find('.');
  const std::string metric = rest.substr(0, dot);
  const nlohmann::json* scores = model;
  if (dot != std::string::npos) {
    const std::string target = rest.substr(dot + 1);
    if (!model->contains("per_target") || !(*model)["per_target"].is_object() ||
        !(*model)["per_target"].contains(target))
      return NAN;
    scores = &(*model)["per_target"][target];
  }
  if (!scores->is_object() || !scores->contains(metric) || !(*scores)[metric].is_number()) return NAN;
  return (*scores)[metric].get<double>();
}

std::vector<std::string> test_metric_keys(const nlohmann::json& summary) {
  std::vector<std::string> keys;
  const nlohmann::json* model = model_scores(summary);
  if (!model) return keys;
  for (const char* m : kMetrics)
    if (model->contains(m) && (*model)[m].is_number()) keys.push_back(std::string("test.") + m);
  if (model->contains("per_target") && (*model)["per_target"].is_object())
    for (const auto& [target, scores] : (*model)["per_target"].items())
      for (const char* m : kMetrics)
        if (scores.is_object() && scores.contains(m) && scores[m].is_number())
          keys.push_back(std::string("test.") + m + "." + target);
  return keys;
}

}  // namespace seqlab
