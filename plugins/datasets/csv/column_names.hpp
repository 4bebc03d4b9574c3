// Finding the columns an experiment names (by header name or 0-based index), with a "did you mean" when a name
// is not in the header.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace seqlab::csv {

// The header as the reader found it: names per column (empty when the file has none) and where it was.
struct HeaderInfo {
  std::string path;
  std::vector<std::string> names;    // one per column; empty: the file has no header
  std::size_t line = 0;              // the header's line (1-based), or the first data row's line
  std::size_t columns = 0;           // cells per row
  std::vector<std::size_t> by_name;  // indices into `names` sorted by name (equal names by index): index_names()
};

// Sorts the header's names once (O(n log n)), so that finding a name or a repeated one never costs a pass over
// a header of 100k columns per name.
void index_names(HeaderInfo& header);

// The first column (by index) whose non-empty name an earlier column has already, and that earlier column; false
// when every non-empty name is unique. Needs index_names().
bool first_repeated_name(const HeaderInfo& header, std::size_t& column, std::size_t& earlier);

// The 0-based column `ref` names: a header name first, else a 0-based index. Throws seqlab::ParamError(param, ...)
// naming the file and header line, with the closest header name for a misspelling.
std::size_t resolve_column(const std::string& ref, const HeaderInfo& header, const std::string& param);

// Each of `refs` resolved; naming a column twice is an error.
std::vector<std::size_t> resolve_columns(const std::vector<std::string>& refs, const HeaderInfo& header,
                                         const std::string& param);

// A column as messages name it: "column 3 'temp'" (1-based, as an editor counts) or "column 3"; the name
// with control characters escaped (quoted_cell).
std::string column_label(const HeaderInfo& header, std::size_t index);

// Names for a message: at most 20 of them, each printable(), then "and N more": a header of 100k columns makes
// a line, not a megabyte.
std::string listed_names(const std::vector<std::string>& names);

// The feature name a column gets in describe(): its header name, or its 0-based index as the experiment writes it.
std::string feature_name(const HeaderInfo& header, std::size_t index);

// Levenshtein distance (insertions, deletions, substitutions), for the suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

// " (did you mean 'x'?)" for the closest of `known` within a third of the word's length, else "". Names longer
// than 100 bytes are not compared, so the cost stays bounded by the number of names.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known);

}  // namespace seqlab::csv
