// Joining names for a message, cut at a fixed count; quoting a file's text with its control characters escaped.
#include "util/short_list.hpp"

#include <cstdio>

namespace seqlab {

std::string short_list(const std::vector<std::string>& items, const std::string& separator, std::size_t limit) {
  std::string text;
  const std::size_t shown = items.size() < limit ? items.size() : limit;
  for (std::size_t i = 0; i < shown; ++i) text += (i ? separator : "") + items[i];
  if (items.size() > shown) text += separator + "and " + std::to_string(items.size() - shown) + " more";
  return text;
}

std::string printable(const std::string& text, std::size_t max_chars) {
  std::string out;
  for (const char c : text.substr(0, max_chars)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\t' || c == '\r') {  // the common ones by name: "a\nb" reads better than "a\x0ab"
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  return text.size() > max_chars ? out + "..." : out;
}

}  // namespace seqlab
