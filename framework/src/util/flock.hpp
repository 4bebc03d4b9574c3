// Exclusive advisory locks (flock) on files and folders: who owns a trial or a run folder right now.
#pragma once

#include <filesystem>

namespace seqlab {

// An exclusive flock on `file` (created, with its folder, if missing), or -1 when
// another process holds it. The descriptor is close-on-exec; close() releases the
// lock, and so does the kernel when the process dies: a lock is never left stale.
// Throws RunError when the file cannot be opened.
int try_lock_file(const std::filesystem::path& file);

// The same on an existing folder.
int try_lock_folder(const std::filesystem::path& folder);

// Holds a folder's lock for its lifetime.
class FolderLock {
 public:
  FolderLock() = default;
  explicit FolderLock(int fd) : fd_(fd) {}
  FolderLock(FolderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  int fd_ = -1;
};

}  // namespace seqlab
