// The dataset plugin interface: produces training, validation and test sequences, and, for data that is
// one series in time, what the runner needs to report in the data's own units, score baselines and forecast.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "seqlab/calendar.hpp"
#include "seqlab/tensor.hpp"

namespace seqlab {

// A set of sequences (windows). inputs: (count, steps, input_size). targets: (count, target_steps,
// output_size), where target_steps is 1 when only the values after the last step are predicted, or `steps`
// when every step is.
struct SequenceSet {
  Tensor3 inputs;
  Tensor3 targets;
  // Optional, one per sequence: the row of DataSeries its last input step is. Baselines (persistence) and
  // plots over time read it; leave it empty when the data is not one series.
  std::vector<std::size_t> last_rows;
  std::size_t count() const { return inputs.shape()[0]; }
};

struct DatasetSplits {
  SequenceSet train;
  SequenceSet validation;  // may have count() == 0
  SequenceSet test;        // may have count() == 0; scored once at the end of a run, beside baselines
};

// One named column and how the model's numbers map to the data's: data = model * scale + offset.
struct Feature {
  std::string name;
  double offset = 0;
  double scale = 1;
};

enum class TimeKind { none, number, date };  // date: seconds since 1970-01-01 UTC, written as ISO-8601

// Where an input feature's values come from, so that a forecast past the model's horizon can supply them:
// a data column (known up to the series' end only, unless a target feeds it back), a known-future column (the
// data gives its values for rows after the series' end: DataSeries::future_inputs), or a calendar feature
// (sin or cos of `field` of the row's time, computed for any time: calendar::field_value).
struct InputRole {
  enum class Kind { data, known_future, calendar } kind = Kind::data;
  std::string field;    // calendar: one of calendar::calendar_fields()
  bool cosine = false;  // calendar: cos (else sin)
};

// What the numbers mean. Everything a person reads (predictions, plots, test metrics, forecasts) is turned
// back into the data's units with it; the training loss stays in the model's.
struct DataDescription {
  std::vector<Feature> inputs;   // one per input feature; empty: unnamed, already in the data's units
  std::vector<Feature> targets;  // one per target column
  // The model's outputs are horizon x targets: step h (0-based) of target j is output h * targets + j.
  std::size_t horizon = 1;
  // Per target column: the input feature whose next step it is (an autoregressive forecast feeds the
  // prediction back there), or -1. Empty: none is.
  std::vector<int> fed_back;
  std::string normalize = "none";  // how offset and scale were fitted, for the record
  std::string time_name;           // the time column's name; empty when rows are only numbered
  TimeKind time_kind = TimeKind::none;
  // The target transform, undone by the runner wherever a person reads a number: each target column was
  // transformed ("none", "log" or "log1p"), then differenced at each lag in turn (y[t] - y[t - lag]), then
  // normalised (offset, scale above). Both apply to the target columns only, as inputs and as targets.
  std::string transform = "none";
  std::vector<std::size_t> difference;  // lags, in the order applied; empty: none
  // One per input feature, or empty: every input is a data column.
  std::vector<InputRole> input_roles;
  // The rows' spacing as calendar::frequency_name gives it ("month", "quarter_end", "hour", ...); "" unknown.
  std::string frequency;
};

// The whole series in time order, in the model's units: the rows windows are cut from.
struct DataSeries {
  Tensor2 inputs;             // (rows, input features); NaN where the data has a gap it skips
  Tensor2 targets;            // (rows, target columns)
  std::vector<double> times;  // per row: the time column (seconds since 1970 for dates), or the row number
  double time_step = 1;       // the data's spacing in time (the median step)
  // The spacing as a calendar (dates only): times past the last row continue it calendar-true
  // (calendar::advance); unknown: by time_step.
  calendar::Frequency frequency;
  // (rows after the series' end, input features), model units: the known-future columns' values the data
  // gives for the rows after its last (InputRole::Kind::known_future), NaN for every other input. Empty: none.
  Tensor2 future_inputs;
  // (rows, target columns): the targets in the data's units before any transform (NaN in gaps), which
  // differences are integrated from and baselines predict. Empty when DataDescription has no transform and no
  // difference: the runner then maps `targets` back with offset and scale.
  Tensor2 levels;
  std::size_t window = 0;  // input steps of one sequence
  std::size_t rows() const { return inputs.shape()[0]; }
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  // Builds the splits. Called once per run; all randomness comes from the Random the plugin was
  // constructed with, so the result is a function of the seed.
  virtual DatasetSplits load() = 0;

  // After load(): names, units and time of the features. Default: unnamed, in the data's units.
  virtual DataDescription describe() const { return {}; }
  // Before load(): use these units (a finished run's describe()) instead of fitting them to this data, so
  // `seqlab eval` and `seqlab predict` on new data see numbers as the trained model did.
  virtual void use_units(const DataDescription& /*units*/) {}
  // After load(): the series the windows were cut from, for baselines and forecasts. Default: none (rows()
  // == 0), for data that is not one series.
  virtual DataSeries series() const { return {}; }
  // After load(): the true target values of the `steps` rows after the series' end, (steps, targets) in the
  // model's units, where the dataset knows them (a synthetic wave). Default: unknown (empty).
  virtual Tensor2 continuation(std::size_t /*steps*/) const { return {}; }
};

}  // namespace seqlab
