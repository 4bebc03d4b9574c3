// NumPy .npy format 1.0: a magic string, a Python-dict header, then raw little-endian data.
#include "runs/npy.hpp"

#include "runs/npy_file.hpp"
#include "util/atomic_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace seqlab {

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");  // Python's one-element tuple needs the comma
}

namespace {

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

}  // namespace

std::string encode_npy(const float* data, const std::vector<std::size_t>& shape) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // The whole preamble (10 bytes + header + '\n') is padded to a multiple of 64.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  const std::uint16_t header_len = static_cast<std::uint16_t>(header.size());
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header_len & 0xff);
  bytes += static_cast<char>(header_len >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(data), element_count(shape) * sizeof(float));
  return bytes;
}

void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape) {
  write_file_atomically(path, encode_npy(data, shape));
}

NpyArray read_npy(const std::string& path) {
  NpyFile file(path);
  NpyArray array;
  array.shape = file.shape();
  array.data = file.read_data();
  return array;
}

}  // namespace seqlab
