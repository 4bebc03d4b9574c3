// Scoring the model and the baselines on the very same test windows, in the data's units.
#include "forecast/test_score.hpp"

#include <cmath>
#include <fmt/format.h>

#include "forecast/baselines.hpp"
#include "forecast/target_inversion.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

// Sums of squared and absolute errors over the kept windows, in the data's units.
struct ErrorSums {
  double squared = 0, absolute = 0;
  void add(double predicted, double truth) {
    const double e = predicted - truth;
    squared += e * e;
    absolute += std::abs(e);
  }
  ErrorMetrics metrics(std::size_t values) const {
    const double n = static_cast<double>(values);
    return {squared / n, std::sqrt(squared / n), absolute / n};
  }
};

nlohmann::json metrics_json(const ErrorMetrics& m) { return {{"mse", m.mse}, {"rmse", m.rmse}, {"mae", m.mae}}; }

}  // namespace

TestScore score_test(const SequenceSet& test, const Tensor3& predicted, const std::vector<OutputFeature>& outputs,
                     const DataDescription& description, const DataSeries& series, std::size_t season,
                     const LinearAutoregression* linear_ar) {
  TestScore score;
  score.season = season;
  for (const auto& o : outputs) score.outputs.push_back(o.name);
  // Every matrix in the data's units from here on.
  const TargetInversion inversion(description, series);
  const Matrix truth = last_step(inversion.truths(test, outputs));
  const Matrix model = inversion.to_data(last_step(predicted), test.last_rows, outputs);

  score.has_persistence = series.rows() > 0 && test.last_rows.size() == test.count();
  Matrix persistence;
  if (score.has_persistence) persistence = persistence_forecast(test, inversion.levels(), outputs, season);
  score.has_linear_ar = linear_ar != nullptr;
  Matrix linear;
  if (linear_ar) {
    score.ar_windows = linear_ar->windows_used;
    linear = inversion.to_data(predict_linear_autoregression(*linear_ar, test), test.last_rows, outputs);
  }

  ErrorSums model_sums, persistence_sums, linear_sums;
  for (std::size_t n = 0; n < test.count(); ++n) {
    bool usable = true;
    if (score.has_persistence)
      for (std::size_t o = 0; o < outputs.size(); ++o) usable = usable && std::isfinite(persistence(n, o));
    if (!usable) {
      ++score.excluded;
      continue;
    }
    ++score.windows;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const double t = truth(n, o);
      model_sums.add(model(n, o), t);
      if (score.has_linear_ar) linear_sums.add(linear(n, o), t);
      if (score.has_persistence) persistence_sums.add(persistence(n, o), t);
    }
  }
  if (score.windows == 0)
    throw RunError(
        fmt::format("none of the {} test windows could be scored: persistence with season {} reaches "
                    "before the data or into a gap for every one; lower dataset.season",
                    test.count(), season));
  score.values = score.windows * outputs.size();
  score.model = model_sums.metrics(score.values);
  if (score.has_linear_ar) score.linear_ar = linear_sums.metrics(score.values);
  if (score.has_persistence) score.persistence = persistence_sums.metrics(score.values);
  return score;
}

nlohmann::json test_score_json(const TestScore& s) {
  nlohmann::json j = {{"units", "data"},    {"windows", s.windows}, {"excluded_windows", s.excluded},
                      {"values", s.values}, {"outputs", s.outputs}, {"model", metrics_json(s.model)}};
  if (s.has_linear_ar) {
    j["linear_ar"] = metrics_json(s.linear_ar);
    j["linear_ar_training_windows"] = s.ar_windows;
    j["beats_linear_ar"] = s.model.rmse < s.linear_ar.rmse;
  }
  if (s.has_persistence) {
    j["persistence"] = metrics_json(s.persistence);
    j["season"] = s.season;
    j["beats_persistence"] = s.model.rmse < s.persistence.rmse;
  }
  return j;
}

std::string test_metrics_csv(const TestScore& s) {
  std::string text = "predictor,mse,rmse,mae\n";
  auto row = [&](const char* name, const ErrorMetrics& m) {
    text += fmt::format("{},{},{},{}\n", name, m.mse, m.rmse, m.mae);
  };
  row("model", s.model);
  if (s.has_persistence) row(s.season ? "seasonal_persistence" : "persistence", s.persistence);
  if (s.has_linear_ar) row("linear_ar", s.linear_ar);
  return text;
}

std::string test_score_line(const TestScore& s) {
  std::string line = fmt::format("test RMSE {:.6g}", s.model.rmse);
  std::vector<std::string> baselines;
  if (s.has_persistence)
    baselines.push_back(fmt::format(
        "{} {:.6g}", s.season ? fmt::format("persistence (season {})", s.season) : "persistence", s.persistence.rmse));
  if (s.has_linear_ar) baselines.push_back(fmt::format("linear AR {:.6g}", s.linear_ar.rmse));
  if (!baselines.empty()) line += fmt::format(" ({})", fmt::join(baselines, ", "));
  line += fmt::format(" over {} test windows, in the data's units", s.windows);
  if (s.excluded) line += fmt::format(" ({} without a seasonal value left out)", s.excluded);
  if (s.has_persistence && !(s.model.rmse < s.persistence.rmse))
    line += "; the model does NOT beat persistence: it has learnt less than repeating the last value";
  else if (s.has_linear_ar && !(s.model.rmse < s.linear_ar.rmse))
    line += "; the model does not beat the linear autoregression";
  return line;
}

}  // namespace seqlab
