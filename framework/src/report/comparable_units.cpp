// Refusing to rank runs by losses in different units.
// Tested in tests/cli/test_compare_metric.cpp
#include "report/comparable_units.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/test_metric.hpp"
#include "util/regular_file.hpp"

namespace seqlab {

std::string run_units(const RunEntry& run) {
  const std::filesystem::path file = run.folder / "data_units.json";
  if (!std::filesystem::exists(file)) return "";
  nlohmann::json units;
  try {
    units = nlohmann::json::parse(read_regular_file(file, std::size_t{1} << 24));
  } catch (const std::exception&) {
    return "";  // an unreadable record says nothing about units; compare reads the summaries, not this
  }
  auto text = [&](const char* key) {
    return units.contains(key) && units[key].is_string() ? units[key].get<std::string>() : std::string("none");
  };
  const std::string difference = units.contains("difference") ? units["difference"].dump() : "[]";
  return fmt::format("transform {}, difference {}, normalize {}", text("transform"), difference, text("normalize"));
}

void require_comparable_units(const std::vector<RunEntry>& runs, const std::string& metric) {
  // Only losses are in the model's units; times, epochs and test scores are not.
  if (is_test_metric(metric) || metric.find("loss") == std::string::npos || runs.empty()) return;
  const std::string first = run_units(runs.front());
  for (const auto& run : runs) {
    const std::string units = run_units(run);
    if (units == first) continue;
    throw std::runtime_error(fmt::format(
        "cannot rank by {}: it is a loss in the model's units, and the runs' units differ ({}: {}; {}: {}); "
        "rank by a test score in the data's units instead, e.g. --metric test.rmse",
        metric, runs.front().label, first.empty() ? "no data_units.json" : first, run.label,
        units.empty() ? "no data_units.json" : units));
  }
}

}  // namespace seqlab
