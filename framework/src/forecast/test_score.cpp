// Scoring the model and the baselines on the very same test windows, in the data's units.
#include "forecast/test_score.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "forecast/baselines.hpp"
#include "forecast/target_inversion.hpp"
#include "util/csv_text.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

const char* shown_name(const std::string& name) {
  if (name == "seasonal_naive") return "seasonal naive";
  if (name == "linear_ar") return "linear AR";
  return name.c_str();
}

// null where there is no number (MASE without a scale), as JSON has no NaN.
nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

nlohmann::json metrics_json(const ForecastMetrics& m) {
  return {{"mse", number(m.mse)},
          {"rmse", number(m.rmse)},
          {"mae", number(m.mae)},
          {"mase", number(m.mase)},
          {"smape", number(m.smape)}};
}

std::string csv_number(double value) { return std::isfinite(value) ? fmt::format("{}", value) : ""; }

nlohmann::json predictor_json(const PredictorScore& p, const TestScore& s) {
  nlohmann::json j = metrics_json(p.metrics.overall);
  nlohmann::json per_target = nlohmann::json::object();
  for (std::size_t t = 0; t < s.targets.size() && t < p.metrics.per_target.size(); ++t)
    per_target[s.targets[t]] = metrics_json(p.metrics.per_target[t]);
  j["per_target"] = per_target;
  if (s.steps > 1) {
    j["per_step"] = nlohmann::json::array();
    for (const auto& m : p.metrics.per_step) j["per_step"].push_back(metrics_json(m));
  }
  return j;
}

struct Loss {
  std::string baseline, target;
  double model = 0, other = 0;
};

// Every (baseline, target) on which the model's RMSE is not below the baseline's.
std::vector<Loss> losses(const TestScore& s) {
  std::vector<Loss> out;
  const PredictorScore& model = s.predictors.front();
  for (std::size_t b = 1; b < s.predictors.size(); ++b)
    for (std::size_t t = 0; t < s.targets.size(); ++t) {
      const double m = model.metrics.per_target[t].rmse, other = s.predictors[b].metrics.per_target[t].rmse;
      if (!(m < other)) out.push_back({s.predictors[b].name, s.targets[t], m, other});
    }
  return out;
}

}  // namespace

const PredictorScore* TestScore::find(const std::string& name) const {
  for (const auto& p : predictors)
    if (p.name == name) return &p;
  return nullptr;
}

TestScore score_test(const SequenceSet& test, const Tensor3& predicted, const TestContext& context,
                     const LinearAutoregression* linear_ar) {
  const std::vector<OutputFeature>& outputs = context.outputs;
  TestScore score;
  score.season = context.season;
  for (const auto& o : outputs) {
    score.outputs.push_back(o.name);
    score.steps = std::max(score.steps, o.step + 1);
  }
  for (const auto& t : context.description.targets) score.targets.push_back(t.name);
  for (const auto& o : outputs)
    if (o.target >= score.targets.size()) score.targets.resize(o.target + 1);
  for (std::size_t t = 0; t < score.targets.size(); ++t)
    if (score.targets[t].empty()) score.targets[t] = fmt::format("output {}", t);

  const bool one_series = context.series.rows() > 0 && test.last_rows.size() == test.count();
  // Every matrix in the data's units from here on (TargetInversion: normalisation and any target transform undone;
  // truths and the naive baselines read from the levels).
  const TargetInversion inversion(context.description, context.series);
  const Matrix& levels = inversion.levels();
  score.truth = last_step(inversion.truths(test, outputs));
  score.predictors.push_back({"model", inversion.to_data(last_step(predicted), test.last_rows, outputs), {}});
  if (one_series) {
    score.predictors.push_back({"persistence", persistence_forecast(test, levels, outputs, 0), {}});
    if (context.season > 0)
      score.predictors.push_back({"seasonal_naive", persistence_forecast(test, levels, outputs, context.season), {}});
  }
  if (linear_ar) {
    score.ar_windows = linear_ar->windows_used;
    score.ar_lambda = linear_ar->lambda;
    score.ar_note = linear_autoregression_note(*linear_ar);
    score.predictors.push_back(
        {"linear_ar", inversion.to_data(predict_linear_autoregression(*linear_ar, test), test.last_rows, outputs), {}});
  }

  score.kept.assign(test.count(), true);
  for (std::size_t n = 0; n < test.count(); ++n) {
    for (const auto& p : score.predictors)
      if (p.name == "persistence" || p.name == "seasonal_naive")
        for (std::size_t o = 0; o < outputs.size(); ++o) score.kept[n] = score.kept[n] && std::isfinite(p.values(n, o));
    score.kept[n] ? ++score.windows : ++score.excluded;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const std::size_t row = one_series ? test.last_rows[n] + 1 + outputs[o].step : 0;
      score.times.push_back(one_series ? format_time(time_of_row(context.series, row), context.description.time_kind)
                                       : "");
      score.rows.push_back(one_series ? static_cast<long long>(row) : -1);
    }
  }
  for (const auto& o : outputs) {
    score.output_targets.push_back(o.target);
    score.output_steps.push_back(o.step + 1);
  }
  if (score.windows == 0)
    throw RunError(
        fmt::format("none of the {} test windows could be scored: persistence with season {} reaches "
                    "before the data or into a gap for every one; lower dataset.season",
                    test.count(), context.season));
  score.values = score.windows * outputs.size();
  score.mase_scales = one_series ? seasonal_naive_mae(levels, context.train_rows_end, context.season)
                                 : std::vector<double>(score.targets.size(), ForecastMetrics::kNone);
  score.mase_scales.resize(score.targets.size(), ForecastMetrics::kNone);
  for (auto& p : score.predictors)
    p.metrics = forecast_metrics(score.truth, p.values, score.kept, outputs, score.mase_scales);
  return score;
}

nlohmann::json test_score_json(const TestScore& s) {
  nlohmann::json j = {{"units", "data"},    {"windows", s.windows}, {"excluded_windows", s.excluded},
                      {"values", s.values}, {"outputs", s.outputs}, {"targets", s.targets}};
  nlohmann::json scales = nlohmann::json::object();
  for (std::size_t t = 0; t < s.targets.size(); ++t) scales[s.targets[t]] = number(s.mase_scales[t]);
  j["mase_scale"] = scales;
  const double model = s.predictors.front().metrics.overall.rmse;
  for (const auto& p : s.predictors) {
    j[p.name] = predictor_json(p, s);
    if (p.name != "model") j["beats_" + p.name] = model < p.metrics.overall.rmse;
  }
  if (s.find("persistence")) j["season"] = s.season;
  if (s.find("linear_ar")) {
    j["linear_ar_training_windows"] = s.ar_windows;
    j["linear_ar_lambda"] = s.ar_lambda;
    if (!s.ar_note.empty()) j["linear_ar_note"] = s.ar_note;
  }
  nlohmann::json loses = nlohmann::json::array();
  for (const Loss& l : losses(s))
    loses.push_back(
        {{"baseline", l.baseline}, {"target", l.target}, {"model_rmse", l.model}, {"baseline_rmse", l.other}});
  j["loses_to_baseline"] = loses;
  return j;
}

std::string test_metrics_csv(const TestScore& s) {
  std::string text = "predictor,mse,rmse,mae,mase,smape,target,step\n";
  auto row = [&](const std::string& name, const ForecastMetrics& m, const std::string& target,
                 const std::string& step) {
    text += fmt::format("{},{},{},{},{},{},{},{}\n", name, csv_number(m.mse), csv_number(m.rmse), csv_number(m.mae),
                        csv_number(m.mase), csv_number(m.smape), csv_field(target), step);
  };
  for (const auto& p : s.predictors) row(p.name, p.metrics.overall, "all", "all");
  for (const auto& p : s.predictors)
    for (std::size_t t = 0; t < s.targets.size(); ++t) row(p.name, p.metrics.per_target[t], s.targets[t], "all");
  if (s.steps > 1)
    for (const auto& p : s.predictors)
      for (std::size_t h = 0; h < p.metrics.per_step.size(); ++h)
        row(p.name, p.metrics.per_step[h], "all", std::to_string(h + 1));
  return text;
}

std::string test_score_line(const TestScore& s) {
  const double model = s.predictors.front().metrics.overall.rmse;
  std::string line = fmt::format("test RMSE {:.6g}", model);
  std::vector<std::string> baselines;
  for (std::size_t b = 1; b < s.predictors.size(); ++b) {
    const PredictorScore& p = s.predictors[b];
    baselines.push_back(fmt::format("{}{} {:.6g}", shown_name(p.name),
                                    p.name == "seasonal_naive" ? fmt::format(" (season {})", s.season) : "",
                                    p.metrics.overall.rmse));
  }
  if (!baselines.empty()) line += fmt::format(" ({})", fmt::join(baselines, ", "));
  line += fmt::format(" over {} test windows, in the data's units", s.windows);
  if (s.excluded) line += fmt::format(" ({} without a seasonal value left out)", s.excluded);
  const PredictorScore *persistence = s.find("persistence"), *linear = s.find("linear_ar");
  if (persistence && !(model < persistence->metrics.overall.rmse))
    line += "; the model does NOT beat persistence: it has learnt less than repeating the last value";
  else if (linear && !(model < linear->metrics.overall.rmse))
    line += "; the model does not beat the linear autoregression";
  std::vector<std::string> lost;
  for (const Loss& l : losses(s))
    lost.push_back(fmt::format("to {} on {} ({:.3g} vs {:.3g})", shown_name(l.baseline), l.target, l.model, l.other));
  if (!lost.empty()) line += "; loses " + fmt::format("{}", fmt::join(lost, ", "));
  return line;
}

}  // namespace seqlab
