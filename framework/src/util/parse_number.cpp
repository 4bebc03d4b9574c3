// Numbers from text without the locale's decimal point (from_chars).
#include "util/parse_number.hpp"

#include <charconv>

namespace seqlab {

bool parse_number(std::string_view text, double& value) {
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || text.empty()) return false;
  value = v;
  return true;
}

}  // namespace seqlab
