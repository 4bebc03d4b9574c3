// Direct and autoregressive forecasts from the end of a series.
#include "forecast/forecaster.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "forecast/data_units.hpp"
#include "util/run_error.hpp"
#include "util/short_list.hpp"

namespace seqlab {

namespace {

// The rows of predictions a forecast of `steps` feeds back as inputs, `horizon` per pass: the known-future
// rows it needs.
std::size_t rows_fed(std::size_t steps, std::size_t horizon) { return (steps - 1) / horizon * horizon; }

// The input features a forecast past the horizon cannot supply: not fed by a target, not a calendar feature
// (computed for any time), and not a known-future column whose future rows the data gives (`needed` of them).
std::vector<std::string> unknown_inputs(const DataDescription& d, const DataSeries& s, std::size_t input_features,
                                        std::size_t needed) {
  std::vector<bool> known(input_features, false);
  for (int f : d.fed_back)
    if (f >= 0 && static_cast<std::size_t>(f) < input_features) known[static_cast<std::size_t>(f)] = true;
  const std::size_t future_rows = s.future_inputs.dimension() == 2 ? s.future_inputs.shape()[0] : 0;
  for (std::size_t f = 0; f < input_features && f < d.input_roles.size(); ++f) {
    const InputRole& role = d.input_roles[f];
    if (role.kind == InputRole::Kind::calendar) known[f] = !s.times.empty();
    if (role.kind == InputRole::Kind::known_future && future_rows >= needed) {
      bool complete = true;
      for (std::size_t r = 0; r < needed; ++r) complete = complete && std::isfinite(s.future_inputs(r, f));
      known[f] = complete;
    }
  }
  std::vector<std::string> names;
  for (std::size_t f = 0; f < input_features; ++f)
    if (!known[f])  // names from the data file: escaped, so that none can act on the terminal
      names.push_back(f < d.inputs.size() ? "'" + printable(d.inputs[f].name) + "'" : "input " + std::to_string(f));
  return names;
}

// Input `f` of predicted row `row` (0-based after the series' end) when no target feeds it: its calendar
// value at that row's time, or its known-future value, in the model's units.
float supplied_input(const DataDescription& d, const DataSeries& s, std::size_t f, std::size_t row) {
  const InputRole& role = d.input_roles[f];
  if (role.kind == InputRole::Kind::known_future) return s.future_inputs(row, f);
  const double value = calendar::field_value(role.field, role.cosine, time_of_row(s, s.rows() + row));
  const Feature unit = f < d.inputs.size() ? d.inputs[f] : Feature{};
  return static_cast<float>((value - unit.offset) / unit.scale);
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
    const std::size_t needed = rows_fed(steps, horizon);
    const auto unknown = unknown_inputs(d, series, features, needed);
    if (d.fed_back.size() != targets || !unknown.empty())
      throw RunError(fmt::format(
          "the model predicts {} step(s) at once, and forecasting {} needs the inputs of the {} row(s) after the "
          "data's end, but the input(s) {} are neither targets (fed back), calendar features nor known-future "
          "columns whose future rows --input gives (rows after the last target value); forecast at most --steps "
          "{}, give those rows in --input and name the columns in dataset.known_future, or train a model whose "
          "inputs are all targets",
          horizon, steps, needed, short_list(unknown.empty() ? std::vector<std::string>{"?"} : unknown, ", "),
          horizon));
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
        // A target that is not also an input (fed_back -1) feeds nothing back; every other input is a calendar
        // feature or known in the future (checked above).
        for (std::size_t f = 0; f < features && f < d.input_roles.size(); ++f)
          if (d.input_roles[f].kind != InputRole::Kind::data)
            inputs(0, k, f) = supplied_input(d, series, f, predicted_row);
        for (std::size_t j = 0; j < targets; ++j)
          if (d.fed_back[j] >= 0)
            inputs(0, k, static_cast<std::size_t>(d.fed_back[j])) = result.values(predicted_row, j);
      }
    }
  }
  return result;
}

}  // namespace seqlab
