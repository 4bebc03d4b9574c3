// Exclusive locks on lock files and folders: a second holder is refused, and the lock goes with its descriptor.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "support/process.hpp"
#include "util/flock.hpp"
#include "util/folder_handle.hpp"
#include "util/run_error.hpp"

using seqlab::test::contains;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

// Whether util-linux's flock(1), another process, gets the lock on `file` at once.
bool other_process_can_lock(const std::string& file) {
  return run_shell("flock --nonblock --exclusive '" + file + "' true").exit_code == 0;
}

}  // namespace

TEST_CASE("try_lock_file creates the lock file and its folder, and refuses a second lock until the first is closed") {
  ScratchDir dir("flock");
  const std::string file = dir / ".locks/trial_ab12";
  const int held = seqlab::try_lock_file(file);
  REQUIRE(held >= 0);
  CHECK(fs::is_regular_file(file));
  CHECK((::fcntl(held, F_GETFD) & FD_CLOEXEC) != 0);  // a trial's child process does not inherit it
  CHECK(seqlab::try_lock_file(file) == -1);           // a second open of the same file, same process
  CHECK_FALSE(other_process_can_lock(file));
  ::close(held);
  CHECK(other_process_can_lock(file));
  const int again = seqlab::try_lock_file(file);
  CHECK(again >= 0);
  ::close(again);
}

TEST_CASE("a lock dies with the process that held it: never left stale") {
  ScratchDir dir("flock");
  const std::string file = dir / "lock";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(seqlab::try_lock_file(file) >= 0 ? 0 : 1);  // takes the lock and dies holding it
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const int fd = seqlab::try_lock_file(file);
  CHECK(fd >= 0);
  ::close(fd);
}

TEST_CASE("try_lock_file follows no link: not at the lock file, not at its folder") {
  ScratchDir dir("flock"), outside("flock-outside");
  fs::create_directory(dir / "locks");
  fs::create_symlink(outside / "target", dir / "locks/planted");
  fs::create_directory_symlink(outside.path(), dir / "linked_locks");
  for (const std::string file : {dir / "locks/planted", dir / "linked_locks/trial"}) {
    INFO(file);
    try {
      ::close(seqlab::try_lock_file(file, "sweep folder"));
      FAIL("a lock was taken through a link");
    } catch (const seqlab::RunError& e) {
      CHECK(contains(e.what(), " is a symbolic link; seqlab writes only into real folders inside the sweep folder"));
    }
  }
  CHECK(fs::is_empty(outside.path()));
}

TEST_CASE("try_lock on a folder's descriptor: a second lock on the same folder is refused while the first lives") {
  ScratchDir dir("flock");
  auto first = seqlab::FolderHandle::open(dir.path());
  const auto second = seqlab::FolderHandle::open(dir.path());
  CHECK(seqlab::try_lock(first.fd()));
  CHECK(seqlab::try_lock(first.fd()));  // the holder asking again keeps it
  CHECK_FALSE(seqlab::try_lock(second.fd()));
  CHECK_FALSE(other_process_can_lock(dir.path()));
  first = seqlab::FolderHandle();  // closes the descriptor, and the lock with it
  CHECK(seqlab::try_lock(second.fd()));
}
