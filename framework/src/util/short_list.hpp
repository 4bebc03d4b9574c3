// Names and values from someone else's file, as a message shows them: a screenful at most, nothing a terminal acts on.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace seqlab {

// Messages name at most this many things: a crafted input may have a million of them.
inline constexpr std::size_t kMaxListed = 20;

// The first `limit` of `items` joined by `separator`, then "<separator>and N more" when there are more.
std::string short_list(const std::vector<std::string>& items, const std::string& separator,
                       std::size_t limit = kMaxListed);

// `text` with control characters written as \n, \t, \r or \xNN (ESC: \x1b), cut to `max_chars` and "..." when
// longer (std::string::npos: never cut, for a path a message must name whole).
std::string printable(const std::string& text, std::size_t max_chars = 60);

}  // namespace seqlab
