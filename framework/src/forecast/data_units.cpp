// Output names and units from a dataset's description; its JSON record; times as text.
#include "forecast/data_units.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <stdexcept>

#include "config/json_record.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

const char* time_kind_name(TimeKind kind) {
  switch (kind) {
    case TimeKind::number:
      return "number";
    case TimeKind::date:
      return "date";
    case TimeKind::none:
      break;
  }
  return "none";
}

nlohmann::json features_json(const std::vector<Feature>& features) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : features) list.push_back({{"name", f.name}, {"offset", f.offset}, {"scale", f.scale}});
  return list;
}

// A record's horizon or feature count above this is no description a dataset gave.
constexpr std::int64_t kMaxCount = 1 << 24;

std::vector<Feature> features_from(const JsonRecord& list) {
  std::vector<Feature> features;
  for (const JsonRecord& item : list.list()) {
    Feature f{item.text("name"), item.number("offset"), item.number("scale")};
    // data = model * scale + offset: a zero scale would make every prediction the offset.
    if (f.scale == 0)
      item.at("scale").fail("is 0; a feature's scale maps the model's units to the data's and is never 0");
    features.push_back(std::move(f));
  }
  return features;
}

// Per input: "data", "known_future", or "calendar" with its field and sin/cos.
nlohmann::json roles_json(const std::vector<InputRole>& roles) {
  nlohmann::json list = nlohmann::json::array();
  for (const InputRole& r : roles) {
    if (r.kind == InputRole::Kind::calendar)
      list.push_back({{"kind", "calendar"}, {"field", r.field}, {"cosine", r.cosine}});
    else
      list.push_back({{"kind", r.kind == InputRole::Kind::known_future ? "known_future" : "data"}});
  }
  return list;
}

// Records written before calendar features and frequencies existed have neither: every input is data.
std::vector<InputRole> roles_from(const JsonRecord& record, std::size_t inputs) {
  std::vector<InputRole> roles;
  if (!record.has("input_roles")) return roles;
  const JsonRecord list = record.at("input_roles");
  const std::vector<JsonRecord> items = list.list();
  // A list of another length than `inputs` is left to the input-count check against the model, which names it.
  if (items.size() != inputs) return roles;
  const auto& fields = calendar::calendar_fields();
  for (const JsonRecord& item : items) {
    InputRole r;
    const std::string kind = item.text("kind");
    if (kind == "known_future") {
      r.kind = InputRole::Kind::known_future;
    } else if (kind == "calendar") {
      r.kind = InputRole::Kind::calendar;
      r.field = item.text("field");
      if (std::find(fields.begin(), fields.end(), r.field) == fields.end())
        item.at("field").fail("is not a calendar field (month, quarter, weekofyear, dayofweek, hour, dayofyear)");
      r.cosine = item.at("cosine").json().is_boolean() && item.at("cosine").json().get<bool>();
    } else if (kind != "data") {
      item.at("kind").fail("is not one of data, known_future, calendar");
    }
    roles.push_back(std::move(r));
  }
  return roles;
}

}  // namespace

std::vector<OutputFeature> output_features(const DataDescription& d, std::size_t output_size,
                                           const std::string& dataset_name) {
  std::vector<OutputFeature> outputs;
  if (d.targets.empty()) {
    for (std::size_t f = 0; f < output_size; ++f) outputs.push_back({"output " + std::to_string(f), f, 0});
    return outputs;
  }
  const std::size_t targets = d.targets.size();
  const std::size_t horizon = d.horizon == 0 ? 1 : d.horizon;
  if (targets * horizon != output_size)
    throw RunError(
        fmt::format("dataset plugin '{}' describes {} target column(s) x horizon {}, but its data has {} "
                    "output feature(s): a bug in the plugin's describe()",
                    dataset_name, targets, horizon, output_size));
  for (std::size_t h = 0; h < horizon; ++h)
    for (std::size_t j = 0; j < targets; ++j) {
      const Feature& t = d.targets[j];
      outputs.push_back({horizon > 1 ? fmt::format("{}+{}", t.name, h + 1) : t.name, j, h, t.offset, t.scale});
    }
  return outputs;
}

nlohmann::json description_to_json(const DataDescription& d) {
  return {{"inputs", features_json(d.inputs)},
          {"targets", features_json(d.targets)},
          {"horizon", d.horizon},
          {"fed_back", d.fed_back},
          {"normalize", d.normalize},
          {"time_name", d.time_name},
          {"time_kind", time_kind_name(d.time_kind)},
          {"frequency", d.frequency},
          {"input_roles", roles_json(d.input_roles)},
          {"transform", d.transform},
          {"difference", d.difference}};
}

DataDescription description_from_json(const JsonRecord& record) {
  DataDescription d;
  d.inputs = features_from(record.at("inputs"));
  d.targets = features_from(record.at("targets"));
  d.horizon = static_cast<std::size_t>(record.integer("horizon", 0, kMaxCount));
  const JsonRecord fed_back = record.at("fed_back");
  const std::vector<JsonRecord> fed = fed_back.list();
  if (!fed.empty() && fed.size() != d.targets.size())
    fed_back.fail(
        fmt::format("has {} entries for {} target(s); it has one per target, or none", fed.size(), d.targets.size()));
  // An index names an input feature that takes the target's prediction back (a forecast writes there).
  const std::int64_t last_input = d.inputs.empty() ? kMaxCount : static_cast<std::int64_t>(d.inputs.size()) - 1;
  for (const JsonRecord& f : fed) d.fed_back.push_back(static_cast<int>(f.integer(-1, last_input)));
  d.normalize = record.text("normalize");
  d.time_name = record.text("time_name");
  const std::string kind = record.text("time_kind");
  if (kind == "number")
    d.time_kind = TimeKind::number;
  else if (kind == "date")
    d.time_kind = TimeKind::date;
  else if (kind == "none")
    d.time_kind = TimeKind::none;
  else
    record.at("time_kind")
        .fail("is " + describe_json(record.at("time_kind").json()) + ", not one of none, number, date");
  if (record.has("frequency")) {
    d.frequency = record.text("frequency");
    calendar::Frequency unused;
    if (!calendar::parse_frequency(d.frequency, unused))
      record.at("frequency").fail("is not a frequency (month, quarter, year, week, day, hour, ..., N seconds)");
  }
  d.input_roles = roles_from(record, d.inputs.size());
  // A run folder from before target transforms has neither field: its targets were not transformed.
  d.transform = record.text_or("transform", "none");
  if (d.transform != "none" && d.transform != "log" && d.transform != "log1p")
    record.at("transform").fail("is " + describe_json(record.at("transform").json()) + ", not one of none, log, log1p");
  if (record.has("difference"))
    for (const JsonRecord& lag : record.at("difference").list())
      d.difference.push_back(static_cast<std::size_t>(lag.integer(1, kMaxCount)));
  return d;
}

DataDescription description_from_json(const nlohmann::json& json) {
  return description_from_json(JsonRecord(json, "data_units.json"));
}

xt::xtensor<double, 2> target_levels(const DataSeries& series, const DataDescription& description) {
  const std::size_t rows = series.targets.shape()[0], targets = series.targets.shape()[1];
  xt::xtensor<double, 2> levels = xt::xtensor<double, 2>::from_shape({rows, targets});
  const bool given = series.levels.size() > 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < targets; ++j) {
      if (given) {
        levels(r, j) = series.levels(r, j);
        continue;
      }
      const Feature unit = j < description.targets.size() ? description.targets[j] : Feature{};
      levels(r, j) = static_cast<double>(series.targets(r, j)) * unit.scale + unit.offset;
    }
  return levels;
}

double time_of_row(const DataSeries& s, std::size_t row) {
  if (row < s.times.size()) return s.times[row];
  if (s.times.empty()) return static_cast<double>(row);
  const auto ahead = static_cast<std::int64_t>(row + 1 - s.times.size());
  if (s.frequency.known()) return calendar::advance(s.times.back(), s.frequency, ahead);
  return s.times.back() + static_cast<double>(ahead) * s.time_step;
}

std::string format_time(double value, TimeKind kind) {
  if (kind != TimeKind::date || !std::isfinite(value)) {
    if (std::isnan(value)) return "";
    // 12 digits: a time continued as last + k * step shows as 5.1, not 5.1000000000000005.
    return fmt::format("{:.12g}", value);
  }
  const auto seconds = static_cast<std::time_t>(std::llround(value));
  std::tm parts{};
  if (!gmtime_r(&seconds, &parts)) return fmt::format("{}", value);
  std::array<char, 32> buf{};
  const bool midnight = parts.tm_hour == 0 && parts.tm_min == 0 && parts.tm_sec == 0;
  const std::size_t n = std::strftime(buf.data(), buf.size(), midnight ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(buf.data(), n);
}

}  // namespace seqlab
