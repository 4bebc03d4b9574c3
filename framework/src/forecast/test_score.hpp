// The test split scored in the data's units, beside persistence and a linear autoregression on the same windows.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "forecast/baselines.hpp"
#include "forecast/data_units.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

struct ErrorMetrics {
  double mse = 0, rmse = 0, mae = 0;
};

struct TestScore {
  std::size_t windows = 0;   // test windows scored (the same for the model and both baselines)
  std::size_t excluded = 0;  // test windows left out because persistence had no value for them
  std::size_t values = 0;    // numbers compared: windows x outputs
  std::size_t season = 0;
  bool has_persistence = false;  // false when the dataset is not one series (no series() or last_rows)
  bool has_linear_ar = false;    // false when there was no fit (eval --data of a run without linear_ar.json)
  std::size_t ar_windows = 0;    // training windows the linear autoregression was fitted on
  ErrorMetrics model, persistence, linear_ar;
  std::vector<std::string> outputs;  // the outputs' names
};

// `predicted`: the model's outputs for test.inputs; `linear_ar`: the run's fit of the baseline, or nullptr.
// Every number is turned into the data's units first (TargetInversion: normalisation and any target transform
// undone; truths and persistence read from the levels).
TestScore score_test(const SequenceSet& test, const Tensor3& predicted, const std::vector<OutputFeature>& outputs,
                     const DataDescription& description, const DataSeries& series, std::size_t season,
                     const LinearAutoregression* linear_ar);

// summary.json's "test".
nlohmann::json test_score_json(const TestScore& score);
// test_metrics.csv: predictor,mse,rmse,mae, one row each for the model and the baselines.
std::string test_metrics_csv(const TestScore& score);
// The run's last words on the test split, e.g. "test RMSE 0.21 (persistence 0.35, linear AR 0.19) over 150
// windows, in the data's units", and whether the model beat persistence.
std::string test_score_line(const TestScore& score);

}  // namespace seqlab
