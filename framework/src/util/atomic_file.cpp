// The one place seqlab writes whole files: a temporary beside the target, then a rename.
#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "util/run_error.hpp"

namespace fs = std::filesystem;

namespace seqlab {

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw RunError(path + ": cannot open for writing: " + std::strerror(errno));
    out << bytes;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw RunError(path + ": write failed: " + std::strerror(errno));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw RunError(path + ": cannot move " + tmp + " into place: " + ec.message());
  }
}

}  // namespace seqlab
