// Writing inside a folder by its descriptor (openat, renameat, O_NOFOLLOW), so that no planted link is followed.
#include "util/folder_handle.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "util/run_error.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// Tries at a fresh temporary name before giving up: a taken name is only ever another writer's
// temporary or a planted entry, so a handful of tries is plenty.
constexpr int kNameTries = 100;
// Folders nested deeper than this are not removed (a planted maze is not walked for ever).
constexpr int kMaxRemoveDepth = 64;
constexpr std::size_t kSuffixLength = 6;

std::string why(int error) { return std::strerror(error); }

// Six letters or digits that no two calls in any process are likely to share: the pid, a counter and
// the clock mixed (splitmix64). Collisions are harmless: O_EXCL refuses a taken name and the caller
// draws again.
std::string random_suffix() {
  static std::atomic<unsigned long long> counter{0};
  unsigned long long x = (static_cast<unsigned long long>(::getpid()) << 32) ^
                         (counter.fetch_add(1) * 0x9E3779B97F4A7C15ULL) ^
                         static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  for (std::size_t i = 0; i < kSuffixLength; ++i, x /= 36) s += kDigits[x % 36];
  return s;
}

std::string temporary_name(const std::string& name) { return name + "." + random_suffix() + ".tmp"; }

void check_component(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    throw std::logic_error("FolderHandle: '" + name + "' is not a single file name");
}

bool is_link_at(int dir, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// Removes `name` inside `dir` without following any link: a file or link is unlinked, a folder emptied
// (recursively) and removed.
void remove_entry(int dir, const char* name, int depth) {
  if (::unlinkat(dir, name, 0) == 0 || errno == ENOENT) return;
  if ((errno != EISDIR && errno != EPERM) || depth > kMaxRemoveDepth) return;
  const int sub = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0) return;
  DIR* listing = ::fdopendir(sub);
  if (!listing) {
    ::close(sub);
    return;
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string n = entry->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  for (const auto& n : names) remove_entry(::dirfd(listing), n.c_str(), depth + 1);
  ::closedir(listing);
  ::unlinkat(dir, name, AT_REMOVEDIR);
}

}  // namespace

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.release();
  }
  return *this;
}

FileDescriptor::~FileDescriptor() { close(); }

void FileDescriptor::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool is_temporary_name(const std::string& name) {
  const std::size_t tail = kSuffixLength + 5;  // ".xxxxxx.tmp"
  if (name.size() <= tail || name.compare(name.size() - 4, 4, ".tmp") != 0) return false;
  if (name[name.size() - tail] != '.') return false;
  for (std::size_t i = name.size() - tail + 1; i < name.size() - 4; ++i) {
    const char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

FolderHandle FolderHandle::open(const fs::path& path, bool create, const std::string& kind) {
  const fs::path folder = path.empty() ? fs::path(".") : path;
  if (create) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw RunError("cannot create the folder " + folder.string() + ": " + ec.message());
  }
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw RunError("cannot open the folder " + folder.string() + ": " + why(errno));
  return FolderHandle(FileDescriptor(fd), path, kind);
}

FolderHandle FolderHandle::open_made(const fs::path& path, bool create, const std::string& kind) {
  const fs::path leaf = path.filename();
  if (leaf.empty() || leaf == "." || leaf == "..") return open(path, create, kind);
  FolderHandle parent = open(path.parent_path(), create, kind);
  return parent.sub(leaf.string(), create);
}

void FolderHandle::refuse_as_link(const std::string& name) const {
  throw RunError(shown(name) + " is a symbolic link; seqlab writes only into real folders inside the " + kind_ +
                 " (remove the link and run again)");
}

FolderHandle FolderHandle::sub(const std::string& name, bool create) const {
  check_component(name);
  if (create && ::mkdirat(fd(), name.c_str(), 0755) != 0 && errno != EEXIST)
    throw RunError("cannot create the folder " + shown(name) + ": " + why(errno));
  const int fd = ::openat(this->fd(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (is_link_at(this->fd(), name)) refuse_as_link(name);
    if (error == ENOTDIR) throw RunError(shown(name) + " is not a folder; seqlab needs a folder there");
    throw RunError("cannot open the folder " + shown(name) + ": " + why(error));
  }
  return FolderHandle(FileDescriptor(fd), path_ / name, kind_);
}

std::optional<FolderHandle> FolderHandle::make_new(const std::string& name) const {
  check_component(name);
  if (::mkdirat(fd(), name.c_str(), 0755) != 0) {
    if (errno == EEXIST) return std::nullopt;
    throw RunError("cannot create the folder " + shown(name) + ": " + why(errno));
  }
  return sub(name, false);
}

FolderHandle FolderHandle::make_temporary(const std::string& stem) const {
  for (int tries = 0; tries < kNameTries; ++tries)
    if (auto made = make_new(temporary_name(stem))) return std::move(*made);
  throw RunError("cannot create a temporary folder for " + shown(stem) + ": every name tried is taken");
}

void FolderHandle::refuse_link(const std::string& name) const {
  check_component(name);
  if (is_link_at(fd(), name)) refuse_as_link(name);
}

std::string FolderHandle::write_temporary(const std::string& name, const std::string& bytes, bool durable) const {
  check_component(name);
  std::string tmp;
  int out = -1;
  for (int tries = 0; out < 0 && tries < kNameTries; ++tries) {
    tmp = temporary_name(name);
    // O_EXCL: a name that exists (a planted link included) is never opened, only drawn again.
    out = ::openat(fd(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0 && errno != EEXIST) break;
  }
  if (out < 0) throw RunError(shown(name) + ": cannot open for writing: " + why(errno));
  bool ok = write_all(out, bytes) && (!durable || ::fsync(out) == 0);
  int error = errno;
  if (::close(out) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlinkat(fd(), tmp.c_str(), 0);
    if (durable) throw RunError(shown(name) + ": cannot write " + shown(tmp) + ": " + why(error));
    throw RunError(shown(name) + ": write failed: " + why(error));
  }
  return tmp;
}

void FolderHandle::rename(const std::string& from, const std::string& to) const { rename_from(*this, from, to); }

void FolderHandle::rename_from(const FolderHandle& from_folder, const std::string& from, const std::string& to) const {
  check_component(from);
  check_component(to);
  if (::renameat(from_folder.fd(), from.c_str(), fd(), to.c_str()) != 0) {
    const int error = errno;
    ::unlinkat(from_folder.fd(), from.c_str(), 0);
    throw RunError(shown(to) + ": cannot move " + from_folder.shown(from) + " into place: " + why(error));
  }
}

void FolderHandle::exchange(const std::string& a, const std::string& b) const {
  check_component(a);
  check_component(b);
  if (::renameat2(fd(), a.c_str(), fd(), b.c_str(), RENAME_EXCHANGE) == 0) return;
  if (errno == ENOENT && has(a)) {  // no `b` yet
    if (::renameat(fd(), a.c_str(), fd(), b.c_str()) == 0) return;
  } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
    // A file system without RENAME_EXCHANGE: `b` is missing only between the second and third rename.
    const std::string aside = temporary_name(b);
    if (::renameat(fd(), b.c_str(), fd(), aside.c_str()) == 0) {
      if (::renameat(fd(), a.c_str(), fd(), b.c_str()) == 0 && ::renameat(fd(), aside.c_str(), fd(), a.c_str()) == 0)
        return;
      const int error = errno;
      ::renameat(fd(), aside.c_str(), fd(), b.c_str());  // put the old one back if the new one is not there
      errno = error;
    }
  }
  throw RunError(shown(b) + ": cannot move " + shown(a) + " into place: " + why(errno));
}

void FolderHandle::write(const std::string& name, const std::string& bytes, bool durable) const {
  const std::string tmp = write_temporary(name, bytes, durable);
  rename(tmp, name);
  if (!durable) return;
  // The rename is durable once the folder's entry is.
  if (::fsync(fd()) != 0)
    throw RunError(shown(name) + ": cannot sync its folder " + path_.string() + ": " + why(errno));
}

FileDescriptor FolderHandle::open_append(const std::string& name, bool create) const {
  check_component(name);
  if (create) remove(name);
  const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
  const int out = ::openat(fd(), name.c_str(), flags, 0644);
  if (out < 0) {
    const int error = errno;
    if (is_link_at(fd(), name)) refuse_as_link(name);
    throw RunError(shown(name) + ": cannot open for appending: " + why(error));
  }
  return FileDescriptor(out);
}

void FolderHandle::create_empty(const std::string& name) const { open_append(name, true); }

void FolderHandle::remove(const std::string& name) const noexcept {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) return;
  remove_entry(fd(), name.c_str(), 0);
}

std::vector<std::string> FolderHandle::names() const {
  std::vector<std::string> found;
  // A descriptor of its own: fdopendir takes it over, and its read position is not this handle's.
  const int listing_fd = ::openat(fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing_fd < 0) throw RunError("cannot list the folder " + path_.string() + ": " + why(errno));
  DIR* listing = ::fdopendir(listing_fd);
  if (!listing) {
    const int error = errno;
    ::close(listing_fd);
    throw RunError("cannot list the folder " + path_.string() + ": " + why(error));
  }
  while (const dirent* entry = ::readdir(listing)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") found.push_back(name);
  }
  ::closedir(listing);
  return found;
}

void FolderHandle::remove_stale_temporaries() const noexcept {
  try {
    for (const auto& name : names())
      if (is_temporary_name(name)) remove(name);
  } catch (const std::exception&) {
    // Best effort: a leftover temporary takes room, nothing else.
  }
}

bool FolderHandle::has(const std::string& name) const {
  struct stat st {};
  return ::fstatat(fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void FolderHandle::sync() const {
  if (::fsync(fd()) != 0) throw RunError("cannot sync the folder " + path_.string() + ": " + why(errno));
}

}  // namespace seqlab
