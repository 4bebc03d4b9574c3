// Finding the columns an experiment names (by header name or 0-based index), with a "did you mean" when a name
// is not in the header.
#include "column_names.hpp"

#include <algorithm>
#include <charconv>
#include <seqlab/params.hpp>

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
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& name : known) {
    const std::size_t d = edit_distance(word, name);
    if (!best || d < best_distance) {
      best = &name;
      best_distance = d;
    }
  }
  // A third of the longer word: "temprature" finds "temperature", "x" does not find "y".
  if (!best || best_distance == 0 || best_distance > std::max<std::size_t>(1, std::max(word.size(), best->size()) / 3))
    return "";
  return " (did you mean '" + *best + "'?)";
}

std::string column_label(const HeaderInfo& header, std::size_t index) {
  std::string label = "column " + std::to_string(index + 1);
  if (index < header.names.size()) label += " '" + header.names[index] + "'";
  return label;
}

std::string feature_name(const HeaderInfo& header, std::size_t index) {
  if (index < header.names.size() && !header.names[index].empty()) return header.names[index];
  return std::to_string(index);
}

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

bool as_index(const std::string& ref, std::size_t& index) {
  if (ref.empty()) return false;
  const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), index);
  return ec == std::errc() && end == ref.data() + ref.size();
}

}  // namespace

std::size_t resolve_column(const std::string& ref, const HeaderInfo& header, const std::string& param) {
  const auto named = std::find(header.names.begin(), header.names.end(), ref);
  if (named != header.names.end()) return static_cast<std::size_t>(named - header.names.begin());
  const std::string where = header.path + ":" + std::to_string(header.line) + ": ";
  std::size_t index = 0;
  if (as_index(ref, index)) {
    if (index < header.columns) return index;
    throw ParamError(param, where + "column index " + ref + " is out of range: the file has " +
                                std::to_string(header.columns) + " column(s), indexed 0 to " +
                                std::to_string(header.columns - 1) + " (0-based)");
  }
  if (header.names.empty())
    throw ParamError(param, where + "'" + ref +
                                "' is not a column index and the file has no header row (its first row holds "
                                "numbers), so columns are named by 0-based index (0 to " +
                                std::to_string(header.columns - 1) + "); or add a header and set header: true");
  throw ParamError(param, where + "the header has no column '" + ref + "'" + did_you_mean(ref, header.names) +
                              "; its columns are: " + joined(header.names) + " (or give a 0-based index)");
}

std::vector<std::size_t> resolve_columns(const std::vector<std::string>& refs, const HeaderInfo& header,
                                         const std::string& param) {
  std::vector<std::size_t> out;
  for (const auto& ref : refs) {
    const std::size_t index = resolve_column(ref, header, param);
    if (std::find(out.begin(), out.end(), index) != out.end())
      throw ParamError(param, "'" + ref + "' names " + column_label(header, index) + " of " + header.path +
                                  ", which is already in the list; name each column once");
    out.push_back(index);
  }
  return out;
}

}  // namespace seqlab::csv
