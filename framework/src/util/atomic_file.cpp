// The one place seqlab writes whole files by path: the folder opened once, a temporary in it, then a rename.
#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include "util/folder_handle.hpp"
#include "util/run_error.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

void write_whole(const std::string& path, const std::string& bytes, bool durable) {
  const fs::path file(path);
  if (file.filename().empty() || file.filename() == "." || file.filename() == "..")
    throw RunError(path + ": cannot open for writing: not a file name");
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  // Checked here so that the message names the file the caller wanted written.
  if (::access(folder.c_str(), F_OK) != 0) throw RunError(path + ": cannot open for writing: " + std::strerror(errno));
  FolderHandle::open(file.parent_path()).write(file.filename().string(), bytes, durable);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) { write_whole(path, bytes, false); }

void write_file_durably(const std::string& path, const std::string& bytes) { write_whole(path, bytes, true); }

}  // namespace seqlab
