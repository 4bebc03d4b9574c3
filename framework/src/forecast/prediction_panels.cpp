// Collects the prediction plot's series per target and step ahead, with the baselines' predictions for the
// very windows shown.
// Tested in tests/forecast/test_prediction_panels.cpp
#include "forecast/prediction_panels.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "forecast/target_inversion.hpp"

namespace seqlab {

namespace {

// The outputs of target column `j` a plot shows: its first step ahead and, when it has more, its last.
std::vector<std::size_t> shown_outputs(const std::vector<OutputFeature>& outputs, std::size_t j) {
  std::vector<std::size_t> mine;
  for (std::size_t o = 0; o < outputs.size(); ++o)
    if (outputs[o].target == j) mine.push_back(o);
  if (mine.size() <= 1) return mine;
  const auto [first, last] = std::minmax_element(
      mine.begin(), mine.end(), [&](std::size_t a, std::size_t b) { return outputs[a].step < outputs[b].step; });
  return {*first, *last};
}

std::size_t target_columns(const std::vector<OutputFeature>& outputs) {
  std::size_t columns = 0;
  for (const auto& o : outputs) columns = std::max(columns, o.target + 1);
  return columns;
}

// A panel with its names: the target's (the y axis) and, with several steps, "<target>, <h> steps ahead".
PredictionSeries named_panel(const Readout& r, std::size_t j, const OutputFeature& f, bool several_steps) {
  PredictionSeries panel;
  panel.y_label = j < r.description.targets.size() ? r.description.targets[j].name : f.name;
  panel.panel =
      several_steps ? fmt::format("{}, {} step{} ahead", panel.y_label, f.step + 1, f.step ? "s" : "") : panel.y_label;
  return panel;
}

struct Baseline {
  std::string name;
  Matrix values;  // (windows, outputs), the data's units
};

std::vector<Baseline> baselines_of(const SequenceSet& set, const Readout& r, const LinearAutoregression* linear_ar,
                                   bool series, const TargetInversion& inversion) {
  std::vector<Baseline> out;
  if (series) {
    out.push_back({"persistence", persistence_forecast(set, inversion.levels(), r.outputs, 0)});
    if (r.season > 0)
      out.push_back({fmt::format("seasonal naive ({})", r.season),
                     persistence_forecast(set, inversion.levels(), r.outputs, r.season)});
  }
  if (linear_ar)
    out.push_back(
        {"linear AR", inversion.to_data(predict_linear_autoregression(*linear_ar, set), set.last_rows, r.outputs)});
  return out;
}

// What the plot shows, in the data's units: every number passes through the dataset's target inversion.
struct ShownValues {
  xt::xtensor<double, 3> truth, predicted;  // like set.targets
  std::vector<Baseline> baselines;
};

// Window n's point of output o: truth, model and each baseline.
void add_point(PredictionSeries& panel, const ShownValues& v, std::size_t n, std::size_t o) {
  const std::size_t last = v.truth.shape()[1] - 1;
  panel.target.push_back(v.truth(n, last, o));
  panel.predicted.push_back(v.predicted(n, last, o));
  for (std::size_t b = 0; b < v.baselines.size(); ++b) panel.baselines[b].values.push_back(v.baselines[b].values(n, o));
}

}  // namespace

PredictionPanels prediction_panels(const SequenceSet& set, const Tensor3& predicted, const Readout& r,
                                   const LinearAutoregression* linear_ar) {
  PredictionPanels targets;
  const std::size_t steps = set.targets.shape()[1];
  const bool series = has_times(set, r);
  const bool along_steps = !series && steps > 1;
  const TargetInversion inversion(r.description, r.series);
  ShownValues v{inversion.truths(set, r.outputs), inversion.to_data(predicted, set, r.outputs), {}};
  if (!along_steps) v.baselines = baselines_of(set, r, linear_ar, series, inversion);
  const std::vector<Baseline>& baselines = v.baselines;
  for (std::size_t j = 0; j < target_columns(r.outputs); ++j) {
    const std::vector<std::size_t> shown_o = shown_outputs(r.outputs, j);
    if (shown_o.empty()) continue;
    std::vector<PredictionSeries>& panels = targets.emplace_back();
    for (std::size_t o : shown_o) {
      const OutputFeature& f = r.outputs[o];
      PredictionSeries panel = named_panel(r, j, f, shown_o.size() > 1);
      for (const auto& b : baselines) panel.baselines.push_back({b.name, {}});
      if (series) {
        // Each window's forecast from its whole input, at the time of the row it predicts.
        for (std::size_t n = 0; n < set.count(); ++n) {
          panel.x.push_back(time_of_row(r.series, predicted_row(set, n, steps - 1, f)));
          add_point(panel, v, n, o);
        }
        panel.x_is_date = r.description.time_kind == TimeKind::date;
        panel.x_label = r.description.time_name.empty() ? "row" : r.description.time_name;
      } else if (along_steps) {
        // Every step predicted: the first sequence along its steps.
        for (std::size_t t = 0; t < steps && set.count() > 0; ++t) {
          panel.target.push_back(v.truth(0, t, o));
          panel.predicted.push_back(v.predicted(0, t, o));
        }
        panel.x_label = "step of the first sequence";
      } else {
        // One value per sequence, and the sequences start at random phases: ordered by target, the curve reads.
        std::vector<std::size_t> order(set.count());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return set.targets(a, 0, o) < set.targets(b, 0, o); });
        for (std::size_t n : order) add_point(panel, v, n, o);
        panel.x_label = "sequence (sorted by target)";
      }
      panels.push_back(std::move(panel));
    }
  }
  return targets;
}

}  // namespace seqlab
