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

// "(2, 5, 3)", "(4,)", "()": a shape as numpy prints it.
std::string shape_text(const std::vector<std::size_t>& shape);

// The bytes of a little-endian float32 array (format version 1.0) loadable with numpy.load.
std::string encode_npy(const float* data, const std::vector<std::size_t>& shape);
// Writes them to `path` (util/atomic_file.hpp: a fresh temporary renamed into place, so a crash never
// leaves half a file and a link at `path` is replaced, not followed).
void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape);

// Reads a C-order array of dtype <f4 or <f8 (converted to float), checked as NpyFile (runs/npy_file.hpp)
// checks it before reading its data. Throws UnreadableFile (a std::runtime_error) naming the file on anything else.
NpyArray read_npy(const std::string& path);

}  // namespace seqlab
