// Text for CSV files seqlab writes (RFC 4180).
#pragma once

#include <string>

namespace seqlab {

// `text` as one CSV field: unchanged unless it holds a comma, quote or line break, then quoted with
// quotes doubled.
std::string csv_field(const std::string& text);

}  // namespace seqlab
