// Path containment: whether a path stays inside a folder.
#pragma once

#include <filesystem>

namespace seqlab {

// True when `path` is `folder` or lies below it, comparing absolute, lexically
// normal forms: call it on canonical paths when symbolic links must not escape.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder);

// `text` as one word for a POSIX shell: in single quotes, each quote inside written '\''.
std::string shell_quoted(const std::string& text);

}  // namespace seqlab
