// Predictions, plot series and test scores in the data's units.
// Tested in tests/forecast/test_test_score.cpp, tests/runs/test_eval_predict.cpp
#include "forecast/readout.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "util/csv_text.hpp"

namespace seqlab {

namespace {

// The row predicted by output `o` at target step `t` of sequence `n`: one row after the input step it is read
// at (the last for target: last, step t for target: sequence), plus the output's steps ahead.
std::size_t predicted_row(const SequenceSet& set, std::size_t n, std::size_t t, const OutputFeature& o) {
  const std::size_t target_steps = set.targets.shape()[1];
  return set.last_rows[n] + 1 + o.step + t - (target_steps - 1);
}

bool has_times(const SequenceSet& set, const Readout& r) {
  return r.series.rows() > 0 && set.last_rows.size() == set.count();
}

}  // namespace

Readout make_readout(const Components& c, const ResolvedExperiment& e) {
  Readout r;
  r.dataset_name = e.dataset.plugin->name();
  r.description = c.dataset->describe();
  r.outputs = output_features(r.description, c.shape.output_size, r.dataset_name);
  r.series = c.dataset->series();
  if (e.dataset.params.has("season")) r.season = static_cast<std::size_t>(e.dataset.params.integer("season"));
  return r;
}

const SequenceSet& shown_set(const DatasetSplits& data) {
  if (data.test.count() > 0) return data.test;
  return data.validation.count() > 0 ? data.validation : data.train;
}

std::string predictions_csv(const SequenceSet& set, const Tensor3& predicted, const Readout& r) {
  const bool times = has_times(set, r);
  std::string text = std::string("sequence,step,feature,target,prediction") + (times ? ",time" : "") + "\n";
  const auto& shape = set.targets.shape();
  for (std::size_t n = 0; n < shape[0]; ++n)
    for (std::size_t t = 0; t < shape[1]; ++t)
      for (std::size_t o = 0; o < shape[2]; ++o) {
        const OutputFeature& f = r.outputs[o];
        // float32 is all the precision the data and the model have: its shortest text.
        text +=
            fmt::format("{},{},{},{},{}", n, t, csv_field(f.name), static_cast<float>(f.to_data(set.targets(n, t, o))),
                        static_cast<float>(f.to_data(predicted(n, t, o))));
        if (times)
          text +=
              "," + csv_field(format_time(time_of_row(r.series, predicted_row(set, n, t, f)), r.description.time_kind));
        text += "\n";
      }
  return text;
}

PredictionSeries prediction_series(const SequenceSet& set, const Tensor3& predicted, const Readout& r) {
  PredictionSeries series;
  const std::size_t steps = set.targets.shape()[1];
  const OutputFeature& first = r.outputs.front();
  if (has_times(set, r)) {
    // Each window's forecast from its whole input, at the time it predicts.
    for (std::size_t n = 0; n < set.count(); ++n) {
      series.x.push_back(time_of_row(r.series, predicted_row(set, n, steps - 1, first)));
      series.target.push_back(first.to_data(set.targets(n, steps - 1, 0)));
      series.predicted.push_back(first.to_data(predicted(n, steps - 1, 0)));
    }
    series.x_is_date = r.description.time_kind == TimeKind::date;
    series.x_label = r.description.time_name.empty() ? "row" : r.description.time_name;
    series.y_label = first.name;
  } else if (steps > 1) {
    // Every step predicted: show the first sequence along its steps.
    for (std::size_t t = 0; t < steps; ++t) {
      series.target.push_back(first.to_data(set.targets(0, t, 0)));
      series.predicted.push_back(first.to_data(predicted(0, t, 0)));
    }
    series.x_label = "step of the first sequence";
  } else {
    // One value per sequence, and the sequences start at random phases: order them by target so the curve
    // is readable.
    std::vector<std::size_t> order(set.count());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return set.targets(a, 0, 0) < set.targets(b, 0, 0); });
    for (std::size_t n : order) {
      series.target.push_back(first.to_data(set.targets(n, 0, 0)));
      series.predicted.push_back(first.to_data(predicted(n, 0, 0)));
    }
    series.x_label = "sequence (sorted by target)";
  }
  return series;
}

std::optional<TestScore> score_test_split(const Components& c, const Tensor3& test_predicted, const Readout& r,
                                          const LinearAutoregression* linear_ar) {
  if (c.data.test.count() == 0) return std::nullopt;
  // MASE's in-sample period: every row a training window reads or predicts.
  std::size_t train_rows_end = 0;
  for (std::size_t n = 0; n < c.data.train.last_rows.size(); ++n)
    for (const auto& o : r.outputs) train_rows_end = std::max(train_rows_end, c.data.train.last_rows[n] + 2 + o.step);
  return score_test(c.data.test, test_predicted, {r.outputs, r.series, r.description, r.season, train_rows_end},
                    linear_ar);
}

}  // namespace seqlab
