// A .npy file opened for reading: its header parsed and checked against the file's length before any data is read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "util/regular_file.hpp"

namespace seqlab {

// Weights arrive in shared run folders and from other programs: a header may claim any shape. The
// constructor reads the header only, and refuses (UnreadableFile, naming the file) anything read_data could
// not honour: not a regular file (a FIFO is refused without blocking), a header longer than kMaxHeaderBytes or
// than the file, a dtype other than float32/float64 little-endian, Fortran order, a shape whose data is not
// exactly the rest of the file (a 128-byte file that claims (1000000000,) is refused at once, nothing allocated).
class NpyFile {
 public:
  // numpy itself refuses headers above 10,000 bytes by default; a float array's is under 200.
  static constexpr std::size_t kMaxHeaderBytes = 1 << 16;

  explicit NpyFile(const std::string& path);

  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t count() const { return count_; }  // the product of shape()
  // The data, converted to float32 when stored as float64. Call once.
  std::vector<float> read_data();

 private:
  RegularFile file_;
  std::vector<std::size_t> shape_;
  std::size_t count_ = 0;
  bool is_double_ = false;
};

}  // namespace seqlab
