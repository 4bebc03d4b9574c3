// NumPy .npy (versions 1 to 3): a magic string, a Python-dict header, then the raw little-endian data.
// Tested in tests/runs/test_npy.cpp, tests/runs/test_npy_hostile.cpp
#include "runs/npy_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <limits>

#include "runs/npy.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kMaxDimensions = 64;  // numpy's own limit

// The header's dict literal, read by hand: a regular expression over a header of 64 KiB could recurse
// once per character in libstdc++ and overflow the stack.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  void parse(std::string& descr, bool& fortran_order, std::vector<std::size_t>& shape) {
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (skip_space() != '}') {
      const std::string key = quoted();
      expect(':');
      if (key == "descr") {
        descr = quoted();
        has_descr = true;
      } else if (key == "fortran_order") {
        fortran_order = truth();
        has_order = true;
      } else if (key == "shape") {
        shape = tuple();
        has_shape = true;
      } else {
        fail("has the key '" + key + "'; a .npy header has only descr, fortran_order and shape");
      }
      if (skip_space() == ',') ++at_;
    }
    if (!has_descr || !has_order || !has_shape) fail("lacks one of descr, fortran_order and shape");
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw UnreadableFile(path_, "its header " + problem); }
  char skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    if (at_ == text_.size()) fail("ends in the middle of its dict");
    return text_[at_];
  }
  void expect(char c) {
    if (skip_space() != c) fail(std::string("is not a Python dict of the .npy format (expected '") + c + "')");
    ++at_;
  }
  std::string quoted() {
    const char quote = skip_space();
    if (quote != '\'' && quote != '"') fail("is not a Python dict of the .npy format (expected a quoted name)");
    const std::size_t end = text_.find(quote, ++at_);
    if (end == std::string::npos) fail("ends in the middle of a name");
    std::string s = text_.substr(at_, end - at_);
    at_ = end + 1;
    return s;
  }
  bool truth() {
    skip_space();
    for (const char* word : {"True", "False"})
      if (text_.compare(at_, std::strlen(word), word) == 0) {
        at_ += std::strlen(word);
        return word[0] == 'T';
      }
    fail("has a fortran_order that is neither True nor False");
  }
  std::vector<std::size_t> tuple() {
    std::vector<std::size_t> dims;
    expect('(');
    while (skip_space() != ')') {
      if (!std::isdigit(static_cast<unsigned char>(text_[at_]))) fail("has a shape that is not a tuple of sizes");
      std::size_t d = 0;
      while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
        const std::size_t digit = static_cast<std::size_t>(text_[at_++] - '0');
        if (d > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("has a size too large for any file");
        d = d * 10 + digit;
      }
      if (dims.size() == kMaxDimensions) fail("has more than " + std::to_string(kMaxDimensions) + " dimensions");
      dims.push_back(d);
      if (skip_space() == ',') ++at_;
    }
    ++at_;
    return dims;
  }

  const std::string& text_;
  const std::string& path_;
  std::size_t at_ = 0;
};

}  // namespace

NpyFile::NpyFile(const std::string& path) : file_(path) {
  auto fail = [&](const std::string& problem) { throw UnreadableFile(path, problem); };
  char magic[8];
  if (file_.size() < sizeof magic) fail("not a .npy file (it is shorter than the format's magic string)");
  file_.read(magic, sizeof magic);
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0) fail("not a .npy file (no \\x93NUMPY magic string)");
  const int version = static_cast<unsigned char>(magic[6]);
  if (version < 1 || version > 3)
    fail("a .npy file of format version " + std::to_string(version) + " (1 to 3 are known)");
  const std::size_t len_size = version == 1 ? 2 : 4;
  unsigned char len_bytes[4] = {0, 0, 0, 0};
  if (file_.left() < len_size) fail("its header ends before its length");
  file_.read(len_bytes, len_size);
  std::size_t header_len = 0;
  for (std::size_t i = len_size; i-- > 0;) header_len = header_len * 256 + len_bytes[i];
  if (header_len > kMaxHeaderBytes)
    fail("its header claims " + std::to_string(header_len) + " bytes, more than a .npy array's can have (" +
         std::to_string(kMaxHeaderBytes) + ")");
  if (header_len > file_.left())
    fail("its header claims " + std::to_string(header_len) + " bytes, more than the file holds");
  std::string header(header_len, '\0');
  file_.read(header.data(), header.size());

  std::string descr;
  bool fortran_order = false;
  HeaderParser(header, path).parse(descr, fortran_order, shape_);
  if (!descr.empty() && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=')) descr.erase(0, 1);
  if (descr != "f4" && descr != "f8")
    fail("only little-endian float32/float64 arrays are supported; its dtype is '" + descr.substr(0, 40) + "'");
  is_double_ = descr == "f8";
  if (fortran_order) fail("Fortran-order arrays are not supported");

  // The data must be exactly the rest of the file: checked before anything is allocated for it.
  const std::size_t element = is_double_ ? sizeof(double) : sizeof(float);
  std::uint64_t bytes = element;
  count_ = 1;
  const bool empty = std::find(shape_.begin(), shape_.end(), std::size_t{0}) != shape_.end();
  for (std::size_t d : shape_) {
    if (empty) break;
    if (bytes > file_.left() / d)  // the product would exceed the file (or overflow): no need to finish it
      fail("its header's shape " + shape_text(shape_) + " needs more data than the file holds (" +
           std::to_string(file_.left()) + " bytes after the header)");
    bytes *= d;
    count_ *= d;
  }
  if (empty) bytes = count_ = 0;
  if (bytes != file_.left())
    fail("its header's shape " + shape_text(shape_) + " needs " + std::to_string(bytes) +
         " bytes of data, the file has " + std::to_string(file_.left()) + " after the header");
}

std::vector<float> NpyFile::read_data() {
  std::vector<float> data(count_);
  if (is_double_) {
    std::vector<double> raw(count_);
    file_.read(raw.data(), raw.size() * sizeof(double));
    for (std::size_t i = 0; i < count_; ++i) data[i] = static_cast<float>(raw[i]);
  } else {
    file_.read(data.data(), data.size() * sizeof(float));
  }
  return data;
}

}  // namespace seqlab
