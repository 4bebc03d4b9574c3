// The csv dataset's cell-level helpers: numbers, missing markers, UTF-8, and cells quoted for messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seqlab::csv {

enum class CellKind { number, missing, infinite, out_of_range, text };

struct NumberCell {
  CellKind kind = CellKind::text;
  float value = 0;
};

// Empty cells and NA / NaN / nan mark a gap in the data.
bool is_missing_marker(std::string_view cell);

// A float32 with std::from_chars (correctly rounded, no locale, no allocation). Accepts a leading '+' and
// surrounding blanks (libcsv keeps blanks inside quoted cells). "inf" is `infinite`, "nan(...)" `missing`.
NumberCell parse_number(std::string_view cell);

// A double (for the time column) with std::from_chars; false unless the whole cell is one finite number.
bool parse_double(std::string_view cell, double& value);

bool is_valid_utf8(std::string_view text);

// The cell as a message shows it: quoted, at most ~40 characters, invalid UTF-8 and control bytes as \xNN.
std::string quoted_cell(std::string_view cell);

// Text from the file (a column name) as a terminal may show it: invalid UTF-8 and control characters (C0, DEL
// and C1, so ESC sequences cannot recolour the terminal or move its cursor) as \xNN, cut after about 40 bytes
// with "...". Unquoted, for lists; quoted_cell() for one name in a sentence.
std::string printable(std::string_view text);

// Blanks and tabs removed at both ends.
std::string_view trimmed(std::string_view text);

}  // namespace seqlab::csv
