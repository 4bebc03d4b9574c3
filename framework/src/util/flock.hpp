// Exclusive advisory locks (flock) on files and folders: who owns a trial or a run folder right now.
#pragma once

#include <filesystem>
#include <string>

namespace seqlab {

// An exclusive flock on `file` (created, with its folder, if missing), or -1 when
// another process holds it. The descriptor is close-on-exec; close() releases the
// lock, and so does the kernel when the process dies: a lock is never left stale.
// `file`'s folder is one seqlab makes: neither it nor the file may be a symbolic link
// (util/folder_handle.hpp; `kind` names the folder they are in for that error).
// Throws RunError when the file cannot be opened.
int try_lock_file(const std::filesystem::path& file, const std::string& kind = "sweep folder");

// An exclusive flock on a descriptor the caller holds (a run folder's FolderHandle): false when another
// process holds it. The lock lasts as long as that descriptor is open.
bool try_lock(int fd);

}  // namespace seqlab
