// A UTF-8 validator after RFC 3629's table of well-formed byte sequences.
#include "util/utf8.hpp"

namespace seqlab {

bool is_valid_utf8(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  auto continuation = [&](const unsigned char* at, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return at < end && *at >= low && *at <= high;
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      p += 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (!continuation(p + 1)) return false;
      p += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      // E0: no overlong forms (A0..BF); ED: no surrogates (80..9F).
      const unsigned char low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
      if (!continuation(p + 1, low, high) || !continuation(p + 2)) return false;
      p += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      // F0: no overlong forms (90..BF); F4: nothing above U+10FFFF (80..8F).
      const unsigned char low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
      if (!continuation(p + 1, low, high) || !continuation(p + 2) || !continuation(p + 3)) return false;
      p += 4;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace seqlab
