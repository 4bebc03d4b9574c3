// Opening a file for reading only after checking it is a regular one, by its path and again by its descriptor.
#include "util/regular_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace seqlab {

namespace {

// What a non-regular file is, for the message.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string not_regular(mode_t mode) {
  const std::string kind = kind_of(mode);
  return kind.rfind("not ", 0) == 0 ? kind : "is " + kind + ", not a regular file";
}

}  // namespace

RegularFile::RegularFile(const std::filesystem::path& path) : path_(path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw UnreadableFile(path, std::string("cannot read it: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw UnreadableFile(path, not_regular(st.st_mode));
  // O_NONBLOCK: should the path have become a FIFO since the stat, the open returns at once.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw UnreadableFile(path, std::string("cannot read it: ") + std::strerror(errno));
  fd_ = FileDescriptor(fd);
  if (::fstat(fd, &st) != 0) throw UnreadableFile(path, std::string("cannot read it: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw UnreadableFile(path, not_regular(st.st_mode));
  size_ = static_cast<std::uint64_t>(st.st_size);
}

void RegularFile::read(void* out, std::size_t n) {
  if (n > left())
    throw UnreadableFile(path_, "it ends after " + std::to_string(size_) + " bytes, in the middle of its content");
  auto* bytes = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::read(fd_.get(), bytes + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw UnreadableFile(path_, std::string("cannot read it: ") + std::strerror(errno));
    if (got == 0) throw UnreadableFile(path_, "it grew shorter while being read");
    done += static_cast<std::size_t>(got);
  }
  at_ += n;
}

std::string read_regular_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  RegularFile file(path);
  if (file.size() > max_bytes)
    throw UnreadableFile(path, "it has " + std::to_string(file.size()) + " bytes, more than the " +
                                   std::to_string(max_bytes) + " such a file can have");
  std::string bytes(static_cast<std::size_t>(file.size()), '\0');
  file.read(bytes.data(), bytes.size());
  return bytes;
}

}  // namespace seqlab
