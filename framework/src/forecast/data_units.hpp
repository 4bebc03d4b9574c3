// The model's numbers in the data's own units: a dataset's DataDescription applied to outputs, and its record.
#pragma once

#include <nlohmann/json.hpp>
#include <xtensor/xtensor.hpp>
#include <string>
#include <vector>

#include "config/json_record.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

// One model output: its name and how its value maps to the data's units (data = model * scale + offset).
struct OutputFeature {
  std::string name;
  std::size_t target = 0;  // the target column it predicts
  std::size_t step = 0;    // 0-based step ahead of the window's last row, minus one (horizon index)
  double offset = 0;
  double scale = 1;
  double to_data(double model_value) const { return model_value * scale + offset; }
};

// One per model output (`output_size` of them). Output h * targets + j is target j, h steps further; with a
// horizon above 1 it is named "<target>+<h+1>". A dataset that does not describe itself gets "output <f>" in
// the model's units. Throws RunError when the description's targets x horizon is not `output_size`.
std::vector<OutputFeature> output_features(const DataDescription& description, std::size_t output_size,
                                           const std::string& dataset_name);

// data_units.json in a run folder: everything in DataDescription, so eval and predict read new data as the
// run did. from_json checks every field's type and range (finite offsets, finite non-zero scales, one fed_back
// index per target, each naming an input or -1) and throws ConfigError naming the file and the field; the
// nlohmann form names the file "data_units.json".
nlohmann::json description_to_json(const DataDescription& description);
DataDescription description_from_json(const JsonRecord& record);
DataDescription description_from_json(const nlohmann::json& json);

// (rows, target columns): a series' targets in the data's units before any transform, which truths and baselines
// are read from: series.levels when the dataset gave them (a target transform), else `targets` mapped back by
// each target's offset and scale, exactly as OutputFeature::to_data does.
xt::xtensor<double, 2> target_levels(const DataSeries& series, const DataDescription& description);

// The time of a series' `row`, continuing the data's spacing past its last row (calendar-true by
// series.frequency when known, else by time_step); the row number
// itself when the series has no times.
double time_of_row(const DataSeries& series, std::size_t row);

// A time value as a person reads it: dates as ISO-8601 UTC ("2024-01-31" at midnight, else
// "2024-01-31T06:30:00Z"), numbers to 12 significant digits.
std::string format_time(double value, TimeKind kind);

}  // namespace seqlab
