// The test split scored in the data's units, beside persistence, seasonal-naive and a linear autoregression on
// the same windows.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "forecast/baselines.hpp"
#include "forecast/data_units.hpp"
#include "forecast/forecast_metrics.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

// One predictor's forecasts of the test windows and their scores.
struct PredictorScore {
  std::string name;  // "model", "persistence", "seasonal_naive" or "linear_ar"
  Matrix values;     // (test windows, outputs) in the data's units; NaN where it has no value
  MetricBreakdown metrics;
};

struct TestScore {
  std::size_t windows = 0;                  // test windows scored (the same for the model and every baseline)
  std::size_t excluded = 0;                 // test windows left out because a baseline had no value for them
  std::size_t values = 0;                   // numbers compared: windows x outputs
  std::size_t season = 0;                   // dataset.season; 0 when none is set (no seasonal_naive row)
  std::size_t steps = 1;                    // the horizon: per-step scores are shown when it is above 1
  std::size_t ar_windows = 0;               // training windows the linear autoregression was fitted on
  double ar_lambda = 0;                     // its ridge strength
  std::string ar_note;                      // linear_autoregression_note, or ""
  std::vector<std::string> outputs;         // the outputs' names
  std::vector<std::string> targets;         // the target columns' names
  std::vector<double> mase_scales;          // per target: the training period's in-sample seasonal-naive MAE
  Matrix truth;                             // (test windows, outputs), data units
  std::vector<bool> kept;                   // per test window: scored
  std::vector<std::string> times;           // per test window x output: the predicted row's time, "" without one
  std::vector<long long> rows;              // per test window x output: the predicted row of the series, or -1
  std::vector<std::size_t> output_targets;  // per output: its target column (an index into targets)
  std::vector<std::size_t> output_steps;    // per output: 1-based steps ahead of the window's last row
  std::vector<PredictorScore> predictors;   // the model first, then each baseline there is

  // The predictor called `name`, or nullptr.
  const PredictorScore* find(const std::string& name) const;
};

// What score_test reads besides the model's outputs.
struct TestContext {
  const std::vector<OutputFeature>& outputs;
  const DataSeries& series;  // rows() == 0 when the data is not one series: no persistence, no MASE
  const DataDescription& description;
  std::size_t season = 0;
  std::size_t train_rows_end = 0;  // one past the training period's last row: MASE's in-sample period
};

// `predicted`: the model's outputs for test.inputs; `linear_ar`: the run's fit of the baseline, or nullptr.
// Truths and baselines are read in data units (target_levels); the model's and the linear AR's outputs are
// turned into data units in one place before anything is compared.
TestScore score_test(const SequenceSet& test, const Tensor3& predicted, const TestContext& context,
                     const LinearAutoregression* linear_ar);

// summary.json's and eval.json's "test".
nlohmann::json test_score_json(const TestScore& score);
// test_metrics.csv: predictor,mse,rmse,mae,mase,smape,target,step: the overall rows first (target and step
// "all"), then one per predictor and target, then (horizon > 1) one per predictor and step.
std::string test_metrics_csv(const TestScore& score);
// The run's last words on the test split, e.g. "test RMSE 0.21 (persistence 0.35, linear AR 0.19) over 150
// windows, in the data's units", whether the model beat persistence, and every target on which it loses to a
// baseline by RMSE: "loses to persistence on unemployment (0.463 vs 0.395)".
std::string test_score_line(const TestScore& score);

}  // namespace seqlab
