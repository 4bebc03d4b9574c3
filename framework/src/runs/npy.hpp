// Reading and writing NumPy .npy files (float32, C order): weights and test fixtures.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace seqlab {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // row-major, size = product of shape
};

// Writes a little-endian float32 array (format version 1.0) loadable with numpy.load.
// Writes to `path + ".tmp"` and renames, so a crash never leaves half a file.
void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape);

// Reads a C-order array of dtype <f4 or <f8 (converted to float).
// Throws std::runtime_error naming the file on anything else.
NpyArray read_npy(const std::string& path);

}  // namespace seqlab
