// Telling overlaid curves apart: legend labels from the settings that differ between the plotted runs, numbers
// printed short, and a line style (colour and dash type) per curve.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace seqlab {

// One run's settings, flattened: "optimizer.lr" -> "0.01".
using Settings = std::map<std::string, std::string>;

// A setting's value as a legend shows it: a decimal number in printf's %g (6 significant digits:
// 0.009000000000000001 -> 0.009, 0.0001 -> 0.0001, 0.00001 -> 1e-05), anything else (integers, names, lists) as
// written.
std::string short_value(const std::string& text);

// The keys whose value is not the same in every run, sorted; a key only some runs have counts as differing.
std::vector<std::string> differing_keys(const std::vector<Settings>& runs);
// Those of `order` that differ, in its order (a sweep's parameters, say).
std::vector<std::string> differing_keys(const std::vector<Settings>& runs, const std::vector<std::string>& order);

// Each key as a legend names it: its last part ("hidden_size" for "model.hidden_size"), or the whole path when
// another of `keys` ends in the same last part (model.plugin and optimizer.plugin).
std::vector<std::string> short_keys(const std::vector<std::string>& keys);

// One label per run: "hidden_size=32 lr=0.01", the `keys` in their order with short_keys and short_value; a key
// a run lacks shows as "(unset)". A run gets `fallbacks[i]` (its folder, say) when `keys` is empty, and it is
// added in parentheses when another run's label would read the same.
std::vector<std::string> curve_labels(const std::vector<Settings>& runs, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& fallbacks);

// The gnuplot line settings of the k-th curve ("linecolor rgb '#1f77b4' dashtype 1"): ten colours solid, then
// the ten again with each further dash type, so the first 50 curves all look different.
std::string curve_style(std::size_t k);

}  // namespace seqlab
