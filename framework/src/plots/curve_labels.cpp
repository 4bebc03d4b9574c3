// Legend labels and line styles for overlaid curves (best_trials.png, compare's loss_overlay.png, report pages).
#include "plots/curve_labels.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "util/parse_number.hpp"

namespace seqlab {

namespace {

// Colour-blind-friendly enough, and the order matplotlib users know (its "tab10").
constexpr const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
// gnuplot's built-in dash types: solid, dashed, dotted, dash-dot, dash-dot-dot.
constexpr std::size_t kDashTypes = 5;

std::string last_part(const std::string& key) {
  const std::size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

std::string short_value(const std::string& text) {
  // Only decimals are rewritten: an integer such as a seed or an epoch count reads best as written.
  if (text.find_first_of(".eE") == std::string::npos) return text;
  double v = 0;
  return parse_number(text, v) ? fmt::format("{:g}", v) : text;
}

std::vector<std::string> differing_keys(const std::vector<Settings>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& entry : run) keys.insert(entry.first);
  std::vector<std::string> differing;
  for (const auto& key : keys) {
    std::set<std::string> values;
    for (const auto& run : runs) {
      const auto at = run.find(key);
      values.insert(at == run.end() ? std::string("\x01unset") : at->second);  // unset differs from any text
    }
    if (values.size() > 1) differing.push_back(key);
  }
  return differing;
}

std::vector<std::string> differing_keys(const std::vector<Settings>& runs, const std::vector<std::string>& order) {
  const std::vector<std::string> all = differing_keys(runs);
  std::vector<std::string> kept;
  for (const auto& key : order)
    if (std::binary_search(all.begin(), all.end(), key)) kept.push_back(key);
  return kept;
}

std::vector<std::string> short_keys(const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& key : keys) {
    std::size_t same_end = 0;
    for (const auto& other : keys) same_end += last_part(other) == last_part(key);
    out.push_back(same_end > 1 ? key : last_part(key));
  }
  return out;
}

std::vector<std::string> curve_labels(const std::vector<Settings>& runs, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& fallbacks) {
  const std::vector<std::string> names = short_keys(keys);
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::string label;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const auto at = runs[r].find(keys[k]);
      label += (k ? " " : "") + names[k] + "=" + (at == runs[r].end() ? "(unset)" : short_value(at->second));
    }
    labels.push_back(label);
  }
  const std::vector<std::string> first = labels;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const std::string fallback = r < fallbacks.size() ? fallbacks[r] : std::to_string(r + 1);
    std::size_t same = 0;
    for (const auto& other : first) same += other == first[r];
    if (first[r].empty())
      labels[r] = fallback;
    else if (same > 1)
      labels[r] += " (" + fallback + ")";
  }
  return labels;
}

std::string curve_style(std::size_t k) {
  constexpr std::size_t colours = std::size(kColours);
  return fmt::format("linecolor rgb '{}' dashtype {}", kColours[k % colours], k / colours % kDashTypes + 1);
}

}  // namespace seqlab
