// Path containment: whether a path stays inside a folder; text made safe as a file name or a shell word.
#pragma once

#include <filesystem>
#include <string>

namespace seqlab {

// True when `path` is `folder` or lies below it, comparing absolute, lexically
// normal forms: call it on canonical paths when symbolic links must not escape.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder);

// `text` as a file name part any file system and shell keep whole: letters, digits, '.', '-' and '_' stay, any
// other byte becomes '_' ("model.hidden_size" stays, "my grid #1" -> "my_grid__1").
std::string file_name_part(const std::string& text);

// `text` as one word for a POSIX shell: in single quotes, each quote inside written '\''.
std::string shell_quoted(const std::string& text);

}  // namespace seqlab
