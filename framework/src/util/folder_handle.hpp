// A folder held by its descriptor: what seqlab writes into it never goes through a symbolic link.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace seqlab {

// An owned file descriptor, closed when it goes away.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void close();

 private:
  int fd_ = -1;
};

// A shared run, sweep or report folder may hold symbolic links planted at the names seqlab writes
// (checkpoint.bin's temporary, weights/, eval/, ...). Every file written through a FolderHandle is
// created relative to the folder's descriptor with O_NOFOLLOW, temporaries also with O_EXCL under a
// fresh name, and renamed with renameat inside the same folder; sub-folders are opened with
// O_DIRECTORY|O_NOFOLLOW. A link is then replaced or refused, never followed, and nothing is written
// outside the folder. Errors are RunError naming the path.
class FolderHandle {
 public:
  FolderHandle() = default;

  // The folder at `path` as the user named it: links on the way are followed (the user chose them),
  // created with its parents first when `create`. `kind` names such folders in errors ("run folder").
  static FolderHandle open(const std::filesystem::path& path, bool create = false,
                           const std::string& kind = "run folder");
  // A folder seqlab makes inside one the user named (a sweep's trials/ and .locks/, eval/): `path`'s
  // parent as open() opens it, its last component as sub() does.
  static FolderHandle open_made(const std::filesystem::path& path, bool create = true,
                                const std::string& kind = "run folder");

  // The sub-folder `name` (one component), created when missing and `create`. A symbolic link there is
  // refused: "<path> is a symbolic link; seqlab writes only into real folders inside the <kind>".
  FolderHandle sub(const std::string& name, bool create = true) const;
  // A new, empty sub-folder `name`; nullopt when that name is taken.
  std::optional<FolderHandle> make_new(const std::string& name) const;
  // A new, empty sub-folder under a fresh name beginning with `stem` (for staging).
  FolderHandle make_temporary(const std::string& stem) const;
  // Throws as sub() would when `name` is a symbolic link; nothing when it is missing or anything else.
  void refuse_link(const std::string& name) const;

  // `bytes` into a fresh temporary beside `name`, renamed over `name` (a link there is replaced, its
  // target untouched). With `durable`, the temporary is fsync'ed before the rename and the folder after
  // it, so a kill or a power cut leaves the old file or the new one, whole (checkpoints).
  void write(const std::string& name, const std::string& bytes, bool durable = false) const;
  // The two steps apart, for files held back until a run completes: the temporary's name, ...
  std::string write_temporary(const std::string& name, const std::string& bytes, bool durable = false) const;
  // ... and renameat `from` over `to`, both in this folder (or from `from_folder` into this one).
  void rename(const std::string& from, const std::string& to) const;
  void rename_from(const FolderHandle& from_folder, const std::string& from, const std::string& to) const;
  // Swaps two entries of this folder atomically (renameat2 RENAME_EXCHANGE; where the file system cannot,
  // two renames). `b` may be missing: then `a` is renamed to `b`.
  void exchange(const std::string& a, const std::string& b) const;

  // `name` opened for appending without following a link: with `create`, a new empty file (whatever
  // was at the name removed first), else the existing regular file.
  FileDescriptor open_append(const std::string& name, bool create) const;
  // Makes `name` a new, empty regular file seqlab created: whatever entry had the name (a link: the
  // link goes, its target stays) is removed first, then the file is created O_EXCL|O_NOFOLLOW.
  void create_empty(const std::string& name) const;
  // Removes the entry `name`: a file or link (never its target), or a folder with everything in it,
  // links inside removed as links. Missing is no error; other failures are ignored (best effort).
  void remove(const std::string& name) const noexcept;
  // Entries of this folder named like write_temporary's temporaries, left by a killed process.
  void remove_stale_temporaries() const noexcept;
  // The names in this folder ("." and ".." left out), in no particular order.
  std::vector<std::string> names() const;
  // Whether an entry `name` exists (a link counts, whatever it points at).
  bool has(const std::string& name) const;
  // fsync of the folder itself: the renames done in it are durable.
  void sync() const;

  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_.get(); }
  bool is_open() const { return fd_.is_open(); }

 private:
  FolderHandle(FileDescriptor fd, std::filesystem::path path, std::string kind)
      : fd_(std::move(fd)), path_(std::move(path)), kind_(std::move(kind)) {}
  std::string shown(const std::string& name) const { return (path_ / name).string(); }
  [[noreturn]] void refuse_as_link(const std::string& name) const;

  FileDescriptor fd_;
  std::filesystem::path path_;
  std::string kind_ = "run folder";
};

// Writes all of `bytes` to `fd`, retrying short writes and EINTR; false with errno set on failure.
bool write_all(int fd, const std::string& bytes);

// Whether `name` is one of write_temporary's temporaries ("<name>.<6 letters or digits>.tmp").
bool is_temporary_name(const std::string& name);

}  // namespace seqlab
