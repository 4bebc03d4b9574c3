// Predictions and test scores in the data's units.
// Tested in tests/forecast/test_test_score.cpp, tests/runs/test_eval_predict.cpp
#include "forecast/readout.hpp"

#include <cmath>
#include <fmt/format.h>

#include "forecast/series_diagnostics.hpp"
#include "forecast/target_inversion.hpp"
#include "util/csv_text.hpp"

namespace seqlab {

std::size_t predicted_row(const SequenceSet& set, std::size_t n, std::size_t t, const OutputFeature& o) {
  const std::size_t target_steps = set.targets.shape()[1];
  return set.last_rows[n] + 1 + o.step + t - (target_steps - 1);
}

bool has_times(const SequenceSet& set, const Readout& r) {
  return r.series.rows() > 0 && set.last_rows.size() == set.count();
}

Readout make_readout(const Components& c, const ResolvedExperiment& e) {
  Readout r;
  r.dataset_name = e.dataset.plugin->name();
  r.description = c.dataset->describe();
  r.outputs = output_features(r.description, c.shape.output_size, r.dataset_name);
  r.series = c.dataset->series();
  r.season = dataset_season(c, e);
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
  const TargetInversion inversion(r.description, r.series);
  const auto truth = inversion.truths(set, r.outputs), data = inversion.to_data(predicted, set, r.outputs);
  for (std::size_t n = 0; n < shape[0]; ++n)
    for (std::size_t t = 0; t < shape[1]; ++t)
      for (std::size_t o = 0; o < shape[2]; ++o) {
        const OutputFeature& f = r.outputs[o];
        // float32 is all the precision the data and the model have: its shortest text.
        text += fmt::format("{},{},{},{},{}", n, t, csv_field(f.name), static_cast<float>(truth(n, t, o)),
                            static_cast<float>(data(n, t, o)));
        if (times)
          text +=
              "," + csv_field(format_time(time_of_row(r.series, predicted_row(set, n, t, f)), r.description.time_kind));
        text += "\n";
      }
  return text;
}

std::string series_csv(const Readout& r) {
  if (r.series.rows() == 0) return "";
  const auto levels = target_levels(r.series, r.description);
  std::string text = "row,time";
  for (std::size_t j = 0; j < levels.shape()[1]; ++j)
    text +=
        "," + csv_field(j < r.description.targets.size() ? r.description.targets[j].name : fmt::format("target {}", j));
  text += "\n";
  for (std::size_t row = 0; row < levels.shape()[0]; ++row) {
    text += fmt::format("{},{}", row, csv_field(format_time(time_of_row(r.series, row), r.description.time_kind)));
    // The shortest text of the double, so that a tool reads back exactly the numbers the scores used.
    for (std::size_t j = 0; j < levels.shape()[1]; ++j)
      text += std::isfinite(levels(row, j)) ? fmt::format(",{}", levels(row, j)) : std::string(",");
    text += "\n";
  }
  return text;
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
