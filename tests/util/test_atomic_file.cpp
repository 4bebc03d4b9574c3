// Whole-file writes: the new bytes or the old ones, never half; a link at the target replaced, never followed.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "support/process.hpp"
#include "support/run_error_message.hpp"
#include "util/atomic_file.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_error_message;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

// The names in `folder`, sorted: what a write left behind.
std::vector<std::string> listing(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// While it lives, no file this process writes may grow past `bytes` (RLIMIT_FSIZE): a write beyond fails
// with EFBIG, as on a full disk, instead of raising SIGXFSZ.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int) = SIG_DFL;
};

}  // namespace

TEST_CASE("write_file_atomically writes the whole file, replaces an old one, and leaves no temporary") {
  ScratchDir dir("atomic");
  seqlab::write_file_atomically(dir / "a.json", "first");
  CHECK(read_file(dir / "a.json") == "first");
  seqlab::write_file_atomically(dir / "a.json", "second, longer");
  CHECK(read_file(dir / "a.json") == "second, longer");
  seqlab::write_file_atomically(dir / "a.json", "");
  CHECK(read_file(dir / "a.json") == "");
  seqlab::write_file_durably(dir / "b.bin", std::string("\0\1\2", 3));
  CHECK(read_file(dir / "b.bin") == std::string("\0\1\2", 3));
  CHECK(listing(dir.path()) == std::vector<std::string>{"a.json", "b.bin"});
  CHECK((fs::status(dir / "a.json").permissions() & fs::perms::owner_write) != fs::perms::none);
}

TEST_CASE("a failed write leaves the old file whole and no temporary beside it") {
  ScratchDir dir("atomic");
  const std::string old_bytes = "the old, complete content";
  write_file(dir / "state.json", old_bytes);
  const std::string big(4096, 'n');
  for (const bool durable : {false, true}) {
    std::string message;
    {
      const FileSizeLimit limit(64);  // the temporary fills up at 64 bytes, like a disk
      message = run_error_message([&] {
        durable ? seqlab::write_file_durably(dir / "state.json", big)
                : seqlab::write_file_atomically(dir / "state.json", big);
      });
    }
    INFO("durable: " << durable);
    CHECK(contains(message, dir / "state.json"));
    CHECK(contains(message, "File too large"));
    CHECK(read_file(dir / "state.json") == old_bytes);
    CHECK(listing(dir.path()) == std::vector<std::string>{"state.json"});
  }
}

TEST_CASE("a write whose rename fails leaves what was at the path untouched") {
  ScratchDir dir("atomic");
  fs::create_directory(dir / "taken");
  write_file(dir / "taken/inside", "kept");
  const std::string message = run_error_message([&] { seqlab::write_file_atomically(dir / "taken", "bytes"); });
  CHECK(contains(message, dir / "taken"));
  CHECK(fs::is_directory(dir / "taken"));
  CHECK(read_file(dir / "taken/inside") == "kept");
  CHECK(listing(dir.path()) == std::vector<std::string>{"taken"});
}

TEST_CASE("a symbolic link at the target is replaced by the file, its target untouched") {
  ScratchDir dir("atomic"), outside("atomic-outside");
  write_file(outside / "victim", "not seqlab's");
  fs::create_symlink(outside / "victim", dir / "metrics.csv");
  fs::create_symlink(outside / "not-there", dir / "dangling.csv");
  seqlab::write_file_atomically(dir / "metrics.csv", "epoch,loss\n");
  seqlab::write_file_durably(dir / "dangling.csv", "epoch,loss\n");
  for (const char* name : {"metrics.csv", "dangling.csv"}) {
    CHECK_FALSE(fs::is_symlink(dir / name));
    CHECK(read_file(dir / name) == "epoch,loss\n");
  }
  CHECK(read_file(outside / "victim") == "not seqlab's");
  CHECK_FALSE(fs::exists(outside / "not-there"));
}

TEST_CASE("links in the folders leading to the target are followed: the caller named them") {
  ScratchDir dir("atomic"), real("atomic-real");
  fs::create_directory_symlink(real.path(), dir / "out");
  seqlab::write_file_atomically(dir / "out/file.txt", "through the link");
  CHECK(read_file(real / "file.txt") == "through the link");
  CHECK(fs::is_symlink(dir / "out"));
}

TEST_CASE("write_file_atomically names the file when its folder is missing or the path names no file") {
  ScratchDir dir("atomic");
  const std::string missing = dir / "no/such/folder/file.txt";
  CHECK(run_error_message([&] { seqlab::write_file_atomically(missing, "x"); }) ==
        missing + ": cannot open for writing: No such file or directory");
  CHECK_FALSE(fs::exists(dir / "no"));
  const std::string folder = dir / "sub/.";
  CHECK(run_error_message([&] { seqlab::write_file_atomically(folder, "x"); }) ==
        folder + ": cannot open for writing: not a file name");
  CHECK(run_error_message([&] { seqlab::write_file_atomically(dir.path() + "/", "x"); }) ==
        dir.path() + "/: cannot open for writing: not a file name");
}
