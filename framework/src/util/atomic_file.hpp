// Writing a whole file so that no reader, and no crash, ever sees half of it, and no planted link is followed.
#pragma once

#include <string>

namespace seqlab {

// Writes `bytes` to a fresh temporary beside `path` (created O_EXCL|O_NOFOLLOW relative to the folder's
// descriptor: util/folder_handle.hpp) and renames it over `path`. A symbolic link at `path` is replaced,
// never followed; links in the folders leading to `path` are followed (the caller named them). Throws
// RunError (a std::runtime_error) naming the file when a step fails; the temporary is then removed and
// whatever `path` held before is untouched.
void write_file_atomically(const std::string& path, const std::string& bytes);

// As write_file_atomically, and durable: the temporary is fsync'ed before the rename and the folder
// after it, so that a kill or a power cut at any instant leaves either the old file or the new one,
// complete, at `path` (checkpoints).
void write_file_durably(const std::string& path, const std::string& bytes);

}  // namespace seqlab
