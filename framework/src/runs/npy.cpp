// NumPy .npy format 1.0: a magic string, a Python-dict header, then raw little-endian data.
#include "runs/npy.hpp"

#include "util/atomic_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace seqlab {

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");  // Python's one-element tuple needs the comma
}

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

}  // namespace

void write_npy(const std::string& path, const float* data, const std::vector<std::size_t>& shape) {
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
  write_file_atomically(path, bytes);
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw std::runtime_error(path + ": not a .npy file");
  std::size_t header_len = 0;
  unsigned char len_bytes[4] = {0, 0, 0, 0};
  const int len_size = magic[6] == 1 ? 2 : 4;  // versions 2 and 3 use a 4-byte length
  in.read(reinterpret_cast<char*>(len_bytes), len_size);
  for (int i = len_size - 1; i >= 0; --i) header_len = header_len * 256 + len_bytes[i];
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    throw std::runtime_error(path + ": truncated header");

  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<|=]?)(f[48])'")))
    throw std::runtime_error(path + ": only float32/float64 arrays are supported, header is " + header);
  const bool is_double = m[2] == "f8";
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
    throw std::runtime_error(path + ": Fortran-order arrays are not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw std::runtime_error(path + ": header has no shape");

  NpyArray array;
  const std::string dims = m[1];
  static const std::regex number("\\d+");
  for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it)
    array.shape.push_back(std::stoul(it->str()));
  const std::size_t n = element_count(array.shape);
  array.data.resize(n);
  if (is_double) {
    std::vector<double> raw(n);
    if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(n * sizeof(double))))
      throw std::runtime_error(path + ": truncated data");
    for (std::size_t i = 0; i < n; ++i) array.data[i] = static_cast<float>(raw[i]);
  } else if (!in.read(reinterpret_cast<char*>(array.data.data()), static_cast<std::streamsize>(n * sizeof(float)))) {
    throw std::runtime_error(path + ": truncated data");
  }
  return array;
}

}  // namespace seqlab
