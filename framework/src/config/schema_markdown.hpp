// A parameter schema as a Markdown table: the one form of key reference that docs/reference/ and
// `seqlab plugins --markdown` write.
#pragma once

#include <map>
#include <string>

#include "seqlab/params.hpp"

namespace seqlab {

// Text for a table cell: one line, with the pipes that would end the cell escaped.
std::string markdown_cell(const std::string& text);

// `text` as inline code.
std::string markdown_code(const std::string& text);

// "| parameter | type | default | range / choices | help |" and a row per key, or "No parameters." for an empty
// schema. `range_notes` replaces the range of the keys it names: a bound that depends on the machine (the
// cores a process may use) is stated in words, so the table is the same on every machine.
std::string schema_table(const ParamSchema& schema, const std::map<std::string, std::string>& range_notes = {});

}  // namespace seqlab
