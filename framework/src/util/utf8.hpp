// Whether bytes are valid UTF-8: text that ends up in JSON records and file names must be.
#pragma once

#include <string>

namespace seqlab {

// True for well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_valid_utf8(const std::string& text);

}  // namespace seqlab
