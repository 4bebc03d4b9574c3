// Finding the columns an experiment names (by header name or 0-based index), with a "did you mean" when a name
// is not in the header.
#include "column_names.hpp"

#include <algorithm>
#include <charconv>
#include <seqlab/params.hpp>

#include "cells.hpp"

namespace seqlab::csv {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& known) {
  // Edit distances cost the product of the lengths: long names (no one misspells those by hand) are left out.
  constexpr std::size_t kLongest = 100;
  if (word.size() > kLongest) return "";
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& name : known) {
    if (name.size() > kLongest) continue;
    const std::size_t d = edit_distance(word, name);
    if (!best || d < best_distance) {
      best = &name;
      best_distance = d;
    }
  }
  // A third of the longer word: "temprature" finds "temperature", "x" does not find "y".
  if (!best || best_distance == 0 || best_distance > std::max<std::size_t>(1, std::max(word.size(), best->size()) / 3))
    return "";
  return " (did you mean " + quoted_cell(*best) + "?)";
}

std::string column_label(const HeaderInfo& header, std::size_t index) {
  std::string label = "column " + std::to_string(index + 1);
  if (index < header.names.size()) label += " " + quoted_cell(header.names[index]);
  return label;
}

std::string listed_names(const std::vector<std::string>& names) {
  constexpr std::size_t kListed = 20;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kListed; ++i) out += (i ? ", " : "") + printable(names[i]);
  if (names.size() > kListed) out += ", and " + std::to_string(names.size() - kListed) + " more";
  return out;
}

void index_names(HeaderInfo& header) {
  header.by_name.resize(header.names.size());
  for (std::size_t i = 0; i < header.by_name.size(); ++i) header.by_name[i] = i;
  const auto& names = header.names;
  std::stable_sort(header.by_name.begin(), header.by_name.end(),
                   [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
}

bool first_repeated_name(const HeaderInfo& header, std::size_t& column, std::size_t& earlier) {
  // In each run of equal names (sorted by index) the second is the first column to repeat the name; the
  // smallest of those over all runs is the first repetition reading the header left to right.
  const auto& names = header.names;
  const auto& order = header.by_name;
  bool found = false;
  for (std::size_t k = 1; k < order.size(); ++k) {
    const std::size_t a = order[k - 1], b = order[k];
    if (names[a].empty() || names[a] != names[b] || (k >= 2 && names[order[k - 2]] == names[a])) continue;
    if (!found || b < column) {
      column = b;
      earlier = a;
      found = true;
    }
  }
  return found;
}

std::string feature_name(const HeaderInfo& header, std::size_t index) {
  if (index < header.names.size() && !header.names[index].empty()) return header.names[index];
  return std::to_string(index);
}

namespace {

bool as_index(const std::string& ref, std::size_t& index) {
  if (ref.empty()) return false;
  const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), index);
  return ec == std::errc() && end == ref.data() + ref.size();
}

// The first column named `ref` (a binary search in by_name), or none.
bool find_name(const std::string& ref, const HeaderInfo& header, std::size_t& index) {
  const auto& names = header.names;
  const auto at = std::lower_bound(header.by_name.begin(), header.by_name.end(), ref,
                                   [&](std::size_t i, const std::string& name) { return names[i] < name; });
  if (at == header.by_name.end() || names[*at] != ref) return false;
  index = *at;
  return true;
}

}  // namespace

std::size_t resolve_column(const std::string& ref, const HeaderInfo& header, const std::string& param) {
  std::size_t named = 0;
  if (find_name(ref, header, named)) return named;
  const std::string where = header.path + ":" + std::to_string(header.line) + ": ";
  std::size_t index = 0;
  if (as_index(ref, index)) {
    if (index < header.columns) return index;
    throw ParamError(param, where + "column index " + ref + " is out of range: the file has " +
                                std::to_string(header.columns) + " column(s), indexed 0 to " +
                                std::to_string(header.columns - 1) + " (0-based)");
  }
  if (header.names.empty())
    throw ParamError(param, where + quoted_cell(ref) +
                                " is not a column index and the file has no header row (its first row holds "
                                "numbers), so columns are named by 0-based index (0 to " +
                                std::to_string(header.columns - 1) + "); or add a header and set header: true");
  throw ParamError(param, where + "the header has no column " + quoted_cell(ref) + did_you_mean(ref, header.names) +
                              "; its columns are: " + listed_names(header.names) + " (or give a 0-based index)");
}

std::vector<std::size_t> resolve_columns(const std::vector<std::string>& refs, const HeaderInfo& header,
                                         const std::string& param) {
  std::vector<std::size_t> out;
  std::vector<bool> listed(header.columns, false);  // a pass over the list per name would be quadratic
  for (const auto& ref : refs) {
    const std::size_t index = resolve_column(ref, header, param);
    if (listed[index])
      throw ParamError(param, quoted_cell(ref) + " names " + column_label(header, index) + " of " + header.path +
                                  ", which is already in the list; name each column once");
    listed[index] = true;
    out.push_back(index);
  }
  return out;
}

}  // namespace seqlab::csv
