// Comparing paths part by part, so that /a/bc is not taken to be inside /a/b.
#include "util/paths.hpp"

#include <algorithm>
#include <cctype>

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

std::string file_name_part(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return out;
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace seqlab
