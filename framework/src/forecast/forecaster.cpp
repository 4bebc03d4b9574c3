// Direct and autoregressive forecasts from the end of a series.
#include "forecast/forecaster.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "util/run_error.hpp"
#include "util/short_list.hpp"

namespace seqlab {

namespace {

// The input features no target feeds: a forecast past the horizon would have to invent them.
std::vector<std::string> unfed_inputs(const DataDescription& d, std::size_t input_features) {
  std::vector<bool> fed(input_features, false);
  for (int f : d.fed_back)
    if (f >= 0 && static_cast<std::size_t>(f) < input_features) fed[static_cast<std::size_t>(f)] = true;
  std::vector<std::string> names;
  for (std::size_t f = 0; f < input_features; ++f)
    if (!fed[f])  // names from the data file: escaped, so that none can act on the terminal
      names.push_back(f < d.inputs.size() ? "'" + printable(d.inputs[f].name) + "'" : "input " + std::to_string(f));
  return names;
}

}  // namespace

Forecast forecast(const PredictOne& predict, const DataDescription& d, const DataSeries& series, std::size_t steps,
                  const std::string& dataset_name) {
  const std::size_t rows = series.rows(), window = series.window;
  if (rows == 0 || window == 0)
    throw RunError(
        fmt::format("dataset plugin '{}' does not give its data as one series in time (its series() is "
                    "empty), so there is nothing to continue",
                    dataset_name));
  if (rows < window)
    throw RunError(fmt::format("the data has {} rows, fewer than the model's window of {}", rows, window));
  const std::size_t features = series.inputs.shape()[1];
  const std::size_t targets = d.targets.empty() ? series.targets.shape()[1] : d.targets.size();
  const std::size_t horizon = std::max<std::size_t>(1, d.horizon);
  if (steps > horizon) {
    const auto unfed = unfed_inputs(d, features);
    if (d.fed_back.size() != targets || !unfed.empty())
      throw RunError(fmt::format(
          "the model predicts {} step(s) at once, and forecasting {} needs its predictions fed back as inputs, but "
          "the input(s) {} are not among its targets; forecast at most --steps {}, or train a model whose targets are "
          "all its input columns",
          horizon, steps, short_list(unfed.empty() ? std::vector<std::string>{"?"} : unfed, ", "), horizon));
  }

  Tensor3 inputs = Tensor3::from_shape({1, window, features});
  for (std::size_t k = 0; k < window; ++k)
    for (std::size_t f = 0; f < features; ++f) {
      const float v = series.inputs(rows - window + k, f);
      if (!std::isfinite(v))
        throw RunError(
            fmt::format("row {} of the data's last window (the forecast's starting point) is a gap; a "
                        "forecast needs {} complete rows at the end of the data",
                        rows - window + k + 1, window));
      inputs(0, k, f) = v;
    }

  Forecast result;
  result.values = Tensor2::from_shape({steps, targets});
  result.method = steps <= horizon ? "direct" : "autoregressive";
  for (std::size_t done = 0; done < steps;) {
    const Tensor3 out = predict(inputs);
    ++result.model_calls;
    const std::size_t last = out.shape()[1] - 1;
    const std::size_t now = std::min(horizon, steps - done);
    for (std::size_t h = 0; h < now; ++h)
      for (std::size_t j = 0; j < targets; ++j) result.values(done + h, j) = out(0, last, h * targets + j);
    done += now;
    if (done == steps) break;
    // Slide the window `now` rows on: the oldest rows leave, the predicted ones arrive as inputs (every input
    // feature is fed by a target, checked above). Position k takes row k + now of [window, predictions].
    for (std::size_t k = 0; k < window; ++k) {
      const std::size_t from = k + now;
      if (from < window) {
        for (std::size_t f = 0; f < features; ++f) inputs(0, k, f) = inputs(0, from, f);
      } else {
        const std::size_t predicted_row = done - now + (from - window);
        // A target that is not also an input (fed_back -1) feeds nothing back; every input is fed (checked above).
        for (std::size_t j = 0; j < targets; ++j)
          if (d.fed_back[j] >= 0)
            inputs(0, k, static_cast<std::size_t>(d.fed_back[j])) = result.values(predicted_row, j);
      }
    }
  }
  return result;
}

}  // namespace seqlab
