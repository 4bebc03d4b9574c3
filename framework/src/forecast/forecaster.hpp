// Forecasts beyond the end of a series: direct within the model's horizon, autoregressive beyond it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "seqlab/dataset.hpp"

namespace seqlab {

// The model: inputs (1, window, input features) -> outputs (1, target steps, outputs), model units.
using PredictOne = std::function<Tensor3(const Tensor3& inputs)>;

struct Forecast {
  Tensor2 values;               // (steps, target columns), model units: row k is k + 1 rows after the last
  std::string method;           // "direct" or "autoregressive"
  std::size_t model_calls = 0;  // passes through the model
};

// Forecasts `steps` rows after the series' last row from its last `series.window` rows. Within the horizon
// (steps <= description.horizon) one pass gives them all; beyond it the predictions are fed back as the next
// rows' inputs, horizon rows per pass, which needs every input feature to be a predicted target (fed_back), a
// calendar feature (computed for the rows' times) or a known-future column with enough future rows
// (DataSeries::future_inputs).
// Throws RunError saying why when the series cannot be continued (no series, a gap in its last window, inputs
// the model does not predict).
Forecast forecast(const PredictOne& predict, const DataDescription& description, const DataSeries& series,
                  std::size_t steps, const std::string& dataset_name);

}  // namespace seqlab
