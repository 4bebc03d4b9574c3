// What a run records about where it ran, so that it can be reproduced: git state, compiler.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace seqlab {

// {"commit": "...", "dirty": bool} for the git checkout holding `path`, or null
// when it is not in one (or git is not installed).
nlohmann::json git_state(const std::string& path);

// The compiler that built this seqlab, e.g. "gcc 12.2.0".
std::string compiler_text();

}  // namespace seqlab
