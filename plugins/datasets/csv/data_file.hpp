// The csv dataset's file access: opening with clear refusals, reading in blocks, and the cheap scan that
// counts lines and sniffs the delimiter without parsing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seqlab::csv {

// An open data file, closed on destruction. Opening throws seqlab::ParamError("path", ...) naming the path as
// resolved when it is missing, a directory or unreadable.
class DataFile {
 public:
  explicit DataFile(const std::string& path);
  ~DataFile();
  DataFile(const DataFile&) = delete;
  DataFile& operator=(const DataFile&) = delete;

  // Reads up to `size` bytes; 0 at the end. Throws ParamError("path") on a read error.
  std::size_t read(char* buffer, std::size_t size);
  void rewind();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Read in blocks of this size: streaming keeps memory flat whatever the file's size.
inline constexpr std::size_t kBlockBytes = 1 << 20;

struct FileScan {
  std::size_t lines = 0;   // physical lines (a last line without '\n' counts)
  std::size_t rows = 0;    // lines neither blank nor '#' comments: at least the rows (header included) the file
                           // holds, more only where a quoted cell spans lines; what memory is sized by
  std::string first_line;  // the first line that is neither blank nor a '#' comment, without its line end
  // Where the first NUL byte is (1-based line and byte in it), 0 when there is none. The scan stops there:
  // a CSV file is text, and a file of NULs (a sparse or never-written one) is refused before it is read on.
  std::size_t nul_line = 0, nul_column = 0;
};

// One pass of block reads and memchr: no parsing, about 50 ms per 100 MB of short lines from the page cache
// (parsing the same takes 30 times longer).
FileScan scan_file(DataFile& file);

// The sentence that refuses a file with a NUL byte, after its "path:line:column: ".
inline constexpr const char* kNulByteMessage =
    "a NUL byte (\\x00): a CSV file is text and never holds one; this is a binary file, or one left unwritten "
    "(a sparse file, or one cut short by a crash or a full disk, reads as NUL bytes); give the CSV file itself";

// The delimiter of `line` among ',', ';' and tab: the most frequent outside double quotes (ties in that
// order); ',' when there is none (a file of one column).
char sniff_delimiter(std::string_view line);

// Cells in `line` split at `delimiter` outside double quotes: a cheap estimate for memory plans.
std::size_t count_cells(std::string_view line, char delimiter);

// Whether the line is skipped as a comment: its first byte is '#'.
inline bool is_comment(std::string_view line) { return !line.empty() && line.front() == '#'; }

}  // namespace seqlab::csv
