// Reading a number written as text, the same in every locale.
#pragma once

#include <string_view>

namespace seqlab {

// True when the whole of `text` is one number (from_chars: "1e-4", "32", "-0.5", "inf"); it is then in `value`.
bool parse_number(std::string_view text, double& value);

}  // namespace seqlab
