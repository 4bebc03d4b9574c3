// Comparing paths part by part, so that /a/bc is not taken to be inside /a/b.
#include "util/paths.hpp"

#include <algorithm>

namespace seqlab {

bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const auto inner = std::filesystem::absolute(path).lexically_normal();
  auto outer = std::filesystem::absolute(folder).lexically_normal();
  if (!outer.has_filename()) outer = outer.parent_path();  // "/a/b/" -> "/a/b"
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i)
    if (i == inner.end() || *i != *o) return false;
  return true;
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace seqlab
