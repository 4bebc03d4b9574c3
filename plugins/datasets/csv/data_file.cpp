// The csv dataset's file access: opening with clear refusals, reading in blocks, and the cheap scan that
// counts lines and sniffs the delimiter without parsing.
#include "data_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <seqlab/params.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace seqlab::csv {

DataFile::DataFile(const std::string& path) : path_(path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    throw ParamError("path", path + ": " +
                                 (error == ENOENT ? std::string("no such file (relative paths are resolved against "
                                                                "the experiment file's folder)")
                                                  : std::string("cannot open: ") + std::strerror(error)));
  }
  if (S_ISDIR(info.st_mode)) throw ParamError("path", path + ": is a directory; give the CSV file inside it");
  // A device or a pipe could be read for ever (/dev/zero) or block until a writer comes (a FIFO).
  if (!S_ISREG(info.st_mode))
    throw ParamError("path", path + ": is not a regular file (a device, pipe or socket); give a CSV file");
  // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait for a writer.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw ParamError("path", path + ": cannot open: " + std::strerror(errno));
  if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd_);  // the destructor does not run for a constructor that throws
    throw ParamError("path", path + ": is not a regular file (a device, pipe or socket); give a CSV file");
  }
}

DataFile::~DataFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t DataFile::read(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw ParamError("path", path_ + ": cannot read: " + std::strerror(errno));
  }
}

void DataFile::rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) throw ParamError("path", path_ + ": cannot seek: " + std::strerror(errno));
}

namespace {

// Ends the scan's look for the first line: `line` is a whole line (or its first block); true when it is the one.
bool take_first_line(FileScan& scan, std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
  if (is_comment(line) || line.find_first_not_of(" \t") == std::string::npos) {
    line.clear();
    return false;
  }
  scan.first_line = std::move(line);
  return true;
}

}  // namespace

FileScan scan_file(DataFile& file) {
  FileScan scan;
  std::vector<char> block(kBlockBytes);
  std::string line;         // the line being read, while no first line is found yet (cut after a block)
  bool found = false;       // the first line is found
  std::size_t in_line = 0;  // bytes of the current line so far
  bool decided = false;     // the current line has a byte that is not a blank: counted as a row or a comment
  while (const std::size_t n = file.read(block.data(), block.size())) {
    const char* p = block.data();
    const auto* nul = static_cast<const char*>(std::memchr(p, '\0', n));
    const char* const end = nul ? nul : p + n;
    while (p < end) {
      if (in_line == 0 && found) {  // a run of empty lines, a byte at a time rather than a call each
        const char* q = p;
        while (q < end && *q == '\n') ++q;
        scan.lines += static_cast<std::size_t>(q - p);
        p = q;
        if (p == end) break;
      }
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      const char* const stop = nl ? nl : end;
      if (!decided) {
        const char* q = p;
        while (q < stop && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
        if (q < stop) {
          decided = true;
          scan.rows += !(in_line == 0 && q == p && *q == '#');  // '#' as a line's first byte: a comment
        }
      }
      if (!found && line.size() <= kBlockBytes) line.append(p, stop);
      in_line += static_cast<std::size_t>(stop - p);
      if (!nl) break;
      ++scan.lines;
      if (!found) found = take_first_line(scan, line);
      in_line = 0;
      decided = false;
      p = nl + 1;
    }
    if (nul) {
      scan.nul_line = scan.lines + 1;
      scan.nul_column = in_line + 1;
      return scan;
    }
  }
  if (in_line > 0) {
    ++scan.lines;
    if (!found) take_first_line(scan, line);
  }
  return scan;
}

char sniff_delimiter(std::string_view line) {
  std::size_t counts[3] = {0, 0, 0};
  const char candidates[3] = {',', ';', '\t'};
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int k = 0; k < 3; ++k) counts[k] += c == candidates[k];
  }
  const auto best = std::max_element(std::begin(counts), std::end(counts));  // the first of equal counts
  return *best == 0 ? ',' : candidates[best - std::begin(counts)];
}

std::size_t count_cells(std::string_view line, char delimiter) {
  std::size_t cells = 1;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') quoted = !quoted;
    cells += !quoted && c == delimiter;
  }
  return cells;
}

}  // namespace seqlab::csv
