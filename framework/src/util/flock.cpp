// flock(2) on a descriptor opened for the purpose; the lock lives as long as the descriptor.
#include "util/flock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/folder_handle.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

int lock_or_close(int fd) {
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  close(fd);
  return -1;
}

}  // namespace

int try_lock_file(const std::filesystem::path& file, const std::string& kind) {
  // The lock files' folder is seqlab's (a sweep's .locks/): a link planted at it, or at the lock file,
  // would have seqlab create files elsewhere, so neither is followed.
  const FolderHandle folder = FolderHandle::open_made(file.parent_path(), true, kind);
  const std::string name = file.filename().string();
  folder.refuse_link(name);
  const int fd = openat(folder.fd(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    folder.refuse_link(name);  // planted meanwhile
    throw RunError("cannot open " + file.string() + ": " + std::strerror(error));
  }
  return lock_or_close(fd);
}

bool try_lock(int fd) { return flock(fd, LOCK_EX | LOCK_NB) == 0; }

}  // namespace seqlab
