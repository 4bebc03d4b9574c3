// "Did you mean" suggestions: the closest known name by edit distance.
#pragma once

#include <string>
#include <vector>

namespace seqlab {

// The candidate closest to `word`, or "" when none is close enough to be a typo.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c" — for messages that list the known names.
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace seqlab
