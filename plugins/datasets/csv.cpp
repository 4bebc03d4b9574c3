// Dataset plugin `csv`: windows of a time series read from a CSV file, split chronologically, normalised on the
// training period only.
#include <array>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <seqlab/plugin.hpp>

#include "csv/calendar_inputs.hpp"
#include "csv/cells.hpp"
#include "csv/data_file.hpp"
#include "csv/gaps.hpp"
#include "csv/normalization.hpp"
#include "csv/outliers.hpp"
#include "csv/periods.hpp"
#include "csv/split_choice.hpp"
#include "csv/time_parsing.hpp"
#include "csv/table.hpp"
#include "csv/wide_table.hpp"
#include "csv/target_transform.hpp"
#include "csv/windows.hpp"

namespace {

using namespace seqlab;
using namespace seqlab::csv;

Missing missing_policy(const std::string& name) {
  if (name == "drop") return Missing::drop;
  if (name == "interpolate") return Missing::interpolate;
  if (name == "ffill") return Missing::ffill;
  return Missing::error;
}

std::string joined(const std::vector<std::string>& names) { return "[" + listed_names(names) + "]"; }

std::vector<std::string> names_of(const std::vector<Feature>& features) {
  std::vector<std::string> names;
  for (const auto& f : features) names.push_back(f.name);
  return names;
}

// The rows of the file (a header taken off) and the input features, guessed from one cheap scan for the
// memory plan; nothing when the file cannot be read (load() then says why). Rows, not lines: blank lines and
// comments hold no data.
struct PlanGuess {
  double rows = 0, inputs = 1;
};

PlanGuess guess_file(const ParamValues& p) {
  PlanGuess guess;
  try {
    DataFile file(p.text("path"));
    const FileScan scan = scan_file(file);
    const char delimiter = p.text("delimiter") == "auto" ? sniff_delimiter(scan.first_line) : p.text("delimiter")[0];
    guess.rows = static_cast<double>(scan.rows) - (p.text("header") == "false" ? 0 : 1);
    guess.inputs =
        static_cast<double>(count_cells(scan.first_line, delimiter)) - (p.text("time_column").empty() ? 0 : 1);
  } catch (const std::exception&) {
    guess = {};
  }
  if (!p.text_list("columns").empty()) guess.inputs = static_cast<double>(p.text_list("columns").size());
  if (!p.text_list("wide_columns").empty())
    guess = {guess.rows * static_cast<double>(p.text_list("wide_columns").size()), 1};
  guess.inputs += 2 * static_cast<double>(p.text_list("calendar").size());  // a sin and a cos per entry
  guess.rows = std::max(guess.rows, 0.0);
  guess.inputs = std::max(guess.inputs, 1.0);
  return guess;
}

class CsvDataset : public Dataset {
 public:
  static PluginMeta meta() {
    return {
        "csv",
        "Windows of a time series from a CSV file; chronological split, normalised on the training period",
        {file_path("path", std::nullopt, "the CSV file: absolute, or relative to the experiment file's folder"),
         text_list("columns", {},
                   "input features by header name or 0-based index; default: every numeric column but the time "
                   "column"),
         text_list("targets", {}, "columns to predict (need not be inputs); default: the first input column"),
         text("time_column", "",
              "the time column (numbers or ISO-8601 dates), kept for predictions and plots; empty: rows are "
              "numbered"),
         text("time_format", "",
              "how the time column is written: strftime directives (%Y %m %d %H %M %S %j %y, e.g. \"%Y%m%d\" or "
              "\"%d.%m.%Y %H:%M\"), or number; empty: ISO-8601 dates or numbers (integers that all read as "
              "YYYYMMDD are dates, with a note)"),
         text_list("calendar", {},
                   "calendar features added as inputs, a sin and a cos per entry (e.g. month_sin, month_cos) "
                   "computed from the dated time column: month, quarter, weekofyear, dayofweek, hour, dayofyear"),
         text_list("known_future", {},
                   "input columns whose future values the file gives (rows after the last target value), so that "
                   "predict --steps past the horizon can read them"),
         choice("header", {"auto", "true", "false"}, "auto",
                "whether the first row names the columns; auto: when any of its cells is not a number"),
         choice("delimiter", {"auto", ",", ";", "\t"}, "auto",
                "the cell separator; auto: the most frequent of , ; and tab in the first line"),
         integer("window", 24, "input steps (rows) per window").between(1, 1e6),
         integer("horizon", 1, "steps predicted at once after a window's last row (direct multi-step)").between(1, 1e5),
         integer("stride", 1, "rows between the starts of consecutive windows").between(1, 1e6),
         choice("target", {"last", "sequence"}, "last",
                "predict the rows after the last step (last), or at every step the next row (sequence; horizon 1)"),
         real_list("split", {0.7, 0.15, 0.15}, 3,
                   "fractions of the rows, in time order, for training, validation and test (sum 1); or the last "
                   "rows {validation: 24, test: 24}, or start times {validation_from: 1958-01-01, test_from: "
                   "1959-01-01} in the time column's terms; training is the rest")
             .or_mapping({"validation", "test", "validation_from", "test_from"}),
         choice("normalize", {"zscore", "minmax", "none"}, "zscore",
                "per column, fitted on the training period: zscore (mean, std), minmax (to [0, 1]) or none"),
         choice("missing", {"error", "drop", "interpolate", "ffill"}, "error",
                "gaps (empty, NA, NaN): refuse them, drop the windows touching them, interpolate in time, or "
                "carry the last value forward"),
         choice("outliers", {"error", "keep"}, "error",
                "a value more than 1e6 robust standard deviations (training median and median absolute deviation) "
                "from its column's median, such as a fill value like 1e20 for a missing one: refuse it, naming its "
                "line and column, or keep it as data"),
         text_list("wide_columns", {},
                   "a wide table (a row per year, a column per month or quarter) read as one series: its columns in "
                   "time order, e.g. [JAN, FEB, ..., DEC]; the year column, if any, is the time_column"),
         choice("wide_period", {"auto", "month", "quarter"}, "auto",
                "the wide columns' sub-period; auto: from their names (JAN/January, Q1-Q4, or 1-12)"),
         choice("transform", {"none", "log", "log1p"}, "none",
                "applied to the target columns (as inputs too) before differencing and normalisation, and undone "
                "wherever predictions are shown: log (values > 0) for growth in proportion, log1p (values > -1) "
                "for counts with zeros"),
         real_list("difference", {}, 0,
                   "lags (whole rows >= 1) the targets are differenced at, in order, after the transform: [1] for "
                   "a trend, [12] for a monthly season, [1, 12] for both; the first sum(lags) rows feed no window"),
         integer("season", 0,
                 "seasonal period in rows: adds the seasonal-naive baseline (the value a season back) and scales "
                 "MASE; 0: none; auto: the period the diagnostics find in the first target's training period (0 when "
                 "none)")
             .at_least(0)
             .or_word("auto")}};
  }

  static DataPlan plan(const PlanArgs& args) {
    const ParamValues& p = args.params;
    const PlanGuess guess = guess_file(p);
    const auto window = static_cast<double>(p.integer("window")), horizon = static_cast<double>(p.integer("horizon"));
    const auto stride = static_cast<double>(p.integer("stride"));
    const bool sequence = p.text("target") == "sequence";
    const double targets = p.text_list("targets").empty() ? 1 : static_cast<double>(p.text_list("targets").size());
    std::array<double, 3> split = {0.7, 0.15, 0.15};
    try {
      split = planned_shares(read_split(p), guess.rows);
    } catch (const ParamError&) {  // the constructor refuses it, with the setting's place in the experiment
    }
    const auto windows = [&](double rows) { return std::floor(std::max(rows, 0.0) / stride); };
    return {windows(guess.rows * split[0] - window - horizon + 1),
            windows(guess.rows * split[1]),
            window,
            guess.inputs,
            sequence ? window : 1,
            sequence ? targets : horizon * targets,
            windows(guess.rows * split[2])};
  }

  explicit CsvDataset(const PluginArgs& args)
      : normalize_(args.params.text("normalize")), keep_outliers_(args.params.text("outliers") == "keep") {
    const ParamValues& p = args.params;
    read_ = {p.text("path"),   p.text_list("columns"), p.text_list("targets"),           p.text("time_column"),
             p.text("header"), p.text("delimiter"),    missing_policy(p.text("missing"))};
    read_.time_format = p.text("time_format");
    std::string why;
    if (!read_.time_format.empty() && read_.time_format != "number" && !check_time_format(read_.time_format, why))
      throw ParamError("time_format", "\"" + read_.time_format + "\" is not a time format seqlab reads: " + why);
    calendar_ = p.text_list("calendar");
    known_future_ = p.text_list("known_future");
    read_.future_rows = !known_future_.empty();
    spec_.window = static_cast<std::size_t>(p.integer("window"));
    spec_.horizon = static_cast<std::size_t>(p.integer("horizon"));
    spec_.stride = static_cast<std::size_t>(p.integer("stride"));
    spec_.sequence = p.text("target") == "sequence";
    transform_ = {p.text("transform"), difference_lags(p.real_list("difference"))};
    if (spec_.sequence && spec_.horizon > 1)
      throw ParamError("target", "target: sequence predicts the next row at every step, so it needs horizon: 1 (not " +
                                     std::to_string(spec_.horizon) +
                                     "); use target: last to predict several rows ahead");
    split_ = read_split(p);
    wide_ = {p.text_list("wide_columns"), p.text("wide_period")};
    if (!wide_.columns.empty()) wide_period_length(wide_.columns, wide_.period);  // refused before any reading
  }

  void use_units(const DataDescription& units) override { given_ = units; }

  DatasetSplits load() override {
    if (split_.by_fractions() && split_.fractions[0] == 0 && !given_)
      throw ParamError("split",
                       "the training fraction is 0: there would be nothing to train on or to fit the "
                       "normalisation to (0 is for evaluating a trained model on new data)");
    table_ = wide_.columns.empty() ? read_table(read_) : read_wide_table(read_, wide_);
    future_ = take_future_rows(table_);
    frequency_ = table_frequency(table_);
    if (table_.yyyymmdd)
      std::cerr << "csv: the time column " << quoted_cell(table_.time_name) << " of " << read_.path
                << " holds integers that all read as YYYYMMDD dates; they are read as dates (time_format: number "
                   "keeps them numbers)\n";
    add_calendar_columns(table_, calendar_, frequency_, read_.path);
    roles_ = input_roles(table_, calendar_, known_future_);
    const Periods periods = resolve_split(split_, table_);
    // Before the gaps are filled, so that the line named is the value's own. Against the training period; a file
    // without one (new data for a trained model: eval --data, predict --input) is measured against itself.
    if (!keep_outliers_)
      check_outliers(table_, periods.train_end > 0 ? periods.train_end : table_.rows(),
                     periods.train_end > 0
                         ? "the training period (data rows 1 to " + std::to_string(periods.train_end) + ")"
                         : "all " + std::to_string(table_.rows()) + " data rows (there is no training period here)");
    fill_gaps(table_, read_.missing, periods);
    if (given_) transform_ = {given_->transform, given_->difference};  // new data transformed as the model's was
    // Differencing leaves the first rows undefined (NaN): windows start after them, and skip them as gaps.
    spec_.skip_gaps = read_.missing == Missing::drop || !transform_.lags.empty();
    spec_.first = 0;
    for (std::size_t lag : transform_.lags) spec_.first += lag;
    if (transform_.active()) levels_ = apply_target_transform(table_, transform_);
    if (given_)
      take_units();
    else
      fit_units_on(periods.train_end);
    check_normalised_range(table_, units_, normalize_);
    for (std::size_t c = 0; c < table_.columns.size(); ++c) apply_units(table_.columns[c].values, units_[c]);
    future_inputs_ = future_inputs(table_, future_, roles_, units_, read_.path);
    DatasetSplits splits = cut_windows(table_, spec_, periods);
    check_periods(splits, table_, spec_, periods, split_);
    return splits;
  }

  DataDescription describe() const override {
    DataDescription d;
    std::vector<int> input_of(table_.columns.size(), -1);  // per column: its input position, or -1
    for (std::size_t f = 0; f < table_.inputs.size(); ++f) {
      d.inputs.push_back(feature(table_.inputs[f]));
      input_of[table_.inputs[f]] = static_cast<int>(f);
    }
    for (std::size_t c : table_.targets) {
      d.targets.push_back(feature(c));
      d.fed_back.push_back(input_of[c]);
    }
    d.horizon = spec_.sequence ? 1 : spec_.horizon;
    d.normalize = normalize_;
    d.time_name = table_.time_name;
    d.time_kind = table_.time_kind;
    d.input_roles = roles_;
    d.frequency = calendar::frequency_name(frequency_);
    d.transform = transform_.kind;
    d.difference = transform_.lags;
    return d;
  }

  DataSeries series() const override {
    DataSeries s;
    const std::size_t rows = table_.rows();
    s.inputs = Tensor2::from_shape({rows, table_.inputs.size()});
    s.targets = Tensor2::from_shape({rows, table_.targets.size()});
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t f = 0; f < table_.inputs.size(); ++f)
        s.inputs(r, f) = table_.columns[table_.inputs[f]].values[r];
      for (std::size_t j = 0; j < table_.targets.size(); ++j)
        s.targets(r, j) = table_.columns[table_.targets[j]].values[r];
      s.times.push_back(table_.times.empty() ? static_cast<double>(r) : table_.times[r]);
    }
    s.time_step = median_step(s.times);
    s.window = spec_.window;
    s.frequency = frequency_;
    s.future_inputs = future_inputs_;
    if (transform_.active()) s.levels = levels_;
    return s;
  }

 private:
  Feature feature(std::size_t c) const { return {table_.columns[c].name, units_[c].offset, units_[c].scale}; }

  static double median_step(const std::vector<double>& times) {
    if (times.size() < 2) return 1;
    std::vector<double> steps(times.size() - 1);
    for (std::size_t i = 1; i < times.size(); ++i) steps[i - 1] = times[i] - times[i - 1];
    std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
    return steps[steps.size() / 2];
  }

  void fit_units_on(std::size_t train_rows) {
    units_.clear();
    for (const Column& column : table_.columns) {
      bool constant = false, empty = false;
      units_.push_back(fit_units(column.values, train_rows, normalize_, constant, empty));
      if (empty)
        throw ParamError("missing", read_.path + ": column " + quoted_cell(column.name) +
                                        " has no value in the training period (its first " +
                                        std::to_string(train_rows) + " data rows), so it cannot be normalised");
      if (constant)
        std::cerr << "csv: column " << quoted_cell(column.name) << " of " << read_.path
                  << " is constant over the training period; its scale is set to 1\n";
    }
  }

  // The units of a trained model (use_units), matched to this file's columns by name.
  void take_units() {
    std::vector<std::string> inputs, targets;
    for (std::size_t c : table_.inputs) inputs.push_back(table_.columns[c].name);
    for (std::size_t c : table_.targets) targets.push_back(table_.columns[c].name);
    if (inputs != names_of(given_->inputs) || targets != names_of(given_->targets))
      throw ParamError("columns", read_.path + ": the columns chosen here, inputs " + joined(inputs) + " and targets " +
                                      joined(targets) + ", are not the ones the model was trained on, inputs " +
                                      joined(names_of(given_->inputs)) + " and targets " +
                                      joined(names_of(given_->targets)) +
                                      "; name the same columns (columns:, targets:) in the same order");
    if (!spec_.sequence && given_->horizon != spec_.horizon)
      throw ParamError("horizon", "is " + std::to_string(spec_.horizon) + " but the model was trained with horizon " +
                                      std::to_string(given_->horizon));
    // By name through a map: a pass over the features per column would be quadratic in a wide file.
    std::unordered_map<std::string, Units> by_name;
    for (const auto* list : {&given_->inputs, &given_->targets})  // the last of a name wins, as it always did
      for (const Feature& f : *list) by_name[f.name] = {f.offset, f.scale};
    units_.assign(table_.columns.size(), Units{});
    for (std::size_t c = 0; c < table_.columns.size(); ++c) {
      const auto found = by_name.find(table_.columns[c].name);
      if (found != by_name.end()) units_[c] = found->second;
    }
    normalize_ = given_->normalize;
  }

  ReadOptions read_;
  WindowSpec spec_;
  SplitChoice split_;
  WideOptions wide_;
  std::string normalize_;
  bool keep_outliers_ = false;  // outliers: keep
  std::optional<DataDescription> given_;
  TargetTransform transform_;
  Tensor2 levels_;  // the targets before transform_, when it is active
  Table table_;
  std::vector<Units> units_;  // per table_ column
  std::vector<std::string> calendar_, known_future_;
  FutureRows future_;  // rows after the last target value (known_future)
  calendar::Frequency frequency_;
  std::vector<InputRole> roles_;  // per input
  Tensor2 future_inputs_;
};

}  // namespace

SEQLAB_PLUGIN(CsvDataset)
