// Output names and units from a dataset's description; its JSON record; times as text.
#include "forecast/data_units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <stdexcept>

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

TimeKind time_kind_from(const std::string& name) {
  if (name == "number") return TimeKind::number;
  if (name == "date") return TimeKind::date;
  if (name == "none") return TimeKind::none;
  throw std::runtime_error("time_kind '" + name + "' is not one of none, number, date");
}

nlohmann::json features_json(const std::vector<Feature>& features) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : features) list.push_back({{"name", f.name}, {"offset", f.offset}, {"scale", f.scale}});
  return list;
}

std::vector<Feature> features_from(const nlohmann::json& list, const char* what) {
  if (!list.is_array()) throw std::runtime_error(std::string(what) + " is not a list");
  std::vector<Feature> features;
  for (const auto& item : list)
    features.push_back(
        {item.at("name").get<std::string>(), item.at("offset").get<double>(), item.at("scale").get<double>()});
  return features;
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
          {"time_kind", time_kind_name(d.time_kind)}};
}

DataDescription description_from_json(const nlohmann::json& json) {
  try {
    DataDescription d;
    d.inputs = features_from(json.at("inputs"), "inputs");
    d.targets = features_from(json.at("targets"), "targets");
    d.horizon = json.at("horizon").get<std::size_t>();
    d.fed_back = json.at("fed_back").get<std::vector<int>>();
    d.normalize = json.at("normalize").get<std::string>();
    d.time_name = json.at("time_name").get<std::string>();
    d.time_kind = time_kind_from(json.at("time_kind").get<std::string>());
    return d;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed: ") + e.what());
  }
}

double time_of_row(const DataSeries& s, std::size_t row) {
  if (row < s.times.size()) return s.times[row];
  if (s.times.empty()) return static_cast<double>(row);
  return s.times.back() + static_cast<double>(row + 1 - s.times.size()) * s.time_step;
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
