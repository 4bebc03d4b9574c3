// Writing a whole file so that no reader, and no crash, ever sees half of it.
#pragma once

#include <string>

namespace seqlab {

// Writes `bytes` to `path + ".tmp"` and renames it over `path`. Throws RunError
// (a std::runtime_error) naming the file when either step fails; the .tmp is
// then removed and whatever `path` held before is untouched.
void write_file_atomically(const std::string& path, const std::string& bytes);

// As write_file_atomically, and durable: the temporary is fsync'ed before the rename and the folder
// after it, so that a kill or a power cut at any instant leaves either the old file or the new one,
// complete, at `path` (checkpoints).
void write_file_durably(const std::string& path, const std::string& bytes);

}  // namespace seqlab
