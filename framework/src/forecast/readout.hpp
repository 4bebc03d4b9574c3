// What a trained model says about a run's data, in the data's own units: predictions.csv and the test split
// scored beside the baselines (the prediction plot's panels: forecast/prediction_panels.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "forecast/data_units.hpp"
#include "forecast/test_score.hpp"
#include "training/components.hpp"

namespace seqlab {

struct Readout {
  std::string dataset_name;
  DataDescription description;
  std::vector<OutputFeature> outputs;  // one per model output
  DataSeries series;                   // rows() == 0 when the data is not one series
  std::size_t season = 0;              // dataset.season when the dataset has one: persistence's period
};

// Asks the loaded dataset for its description and series. Throws RunError when they do not fit its data.
Readout make_readout(const Components& c, const ResolvedExperiment& e);

// The set a run's predictions.csv and prediction plot show: the test split, else validation, else training.
const SequenceSet& shown_set(const DatasetSplits& data);

// predictions.csv: sequence,step,feature,target,prediction[,time], in the data's units; feature is the output's
// name, time (when the data is a series) the predicted row's, ISO-8601 for dates.
std::string predictions_csv(const SequenceSet& set, const Tensor3& predicted, const Readout& readout);

// series.csv: row,time,<target>...: the whole series as the run read it (gaps filled as `missing` says), each
// target in the data's units before any transform; row is the index test_predictions.csv's `row` refers to, so a
// tool can fit other models on exactly the rows before the test period (tools/classical-baselines). Empty when the
// data is not one series.
std::string series_csv(const Readout& readout);

// The series row output `o` predicts at target step `t` of sequence `n`: one row after the input step it is
// read at (the last for target: last, step t for target: sequence), plus the output's steps ahead. Needs
// set.last_rows.
std::size_t predicted_row(const SequenceSet& set, std::size_t n, std::size_t t, const OutputFeature& o);

// Whether the set's windows sit on the readout's series (rows and last_rows known): predictions have times.
bool has_times(const SequenceSet& set, const Readout& readout);

// The test split scored, or nothing when the dataset has none. `linear_ar`: the baseline's fit, or nullptr.
std::optional<TestScore> score_test_split(const Components& c, const Tensor3& test_predicted, const Readout& readout,
                                          const LinearAutoregression* linear_ar);

}  // namespace seqlab
