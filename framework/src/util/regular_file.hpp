// Reading a file that came from elsewhere (a shared run folder): a regular file only, never a FIFO or a device.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "util/folder_handle.hpp"

namespace seqlab {

// A file that cannot be read as asked. what() is "<path>: <problem>"; problem() alone is for a caller
// whose message names the file already.
class UnreadableFile : public std::runtime_error {
 public:
  UnreadableFile(const std::filesystem::path& path, const std::string& problem)
      : std::runtime_error(path.string() + ": " + problem), problem_(problem) {}
  const std::string& problem() const { return problem_; }

 private:
  std::string problem_;
};

// A regular file open for reading. A FIFO, device, socket or folder at `path` (links followed) is refused
// before any open that could block or act on it: a FIFO's open for reading waits for a writer for ever.
// The check is made again on the open descriptor (O_NONBLOCK), so a swap in between is refused too.
class RegularFile {
 public:
  explicit RegularFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  // The bytes still to be read.
  std::uint64_t left() const { return size_ - at_; }
  // The next `n` bytes into `out`; throws UnreadableFile when the file ends first or a read fails.
  void read(void* out, std::size_t n);

 private:
  std::filesystem::path path_;
  FileDescriptor fd_;
  std::uint64_t size_ = 0, at_ = 0;
};

// The most a JSON record seqlab writes into a run or sweep folder can take (they are a few KiB; data_units.json
// of 100,000 columns about 10 MiB): a larger one is refused unread.
inline constexpr std::uint64_t kMaxRecordBytes = 64ull << 20;

// The whole of the regular file `path`; one of more than `max_bytes` bytes is refused without reading it.
// Throws UnreadableFile.
std::string read_regular_file(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace seqlab
