// Reading files that came from elsewhere: regular files only, refused unopened when a FIFO, device, socket or folder.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/process.hpp"
#include "util/regular_file.hpp"

using seqlab::UnreadableFile;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

// The problem UnreadableFile reports for `path`, checking what() names the file; "" when the file opens.
std::string problem_opening(const fs::path& path) {
  try {
    seqlab::RegularFile file(path);
  } catch (const UnreadableFile& e) {
    CHECK(std::string(e.what()) == path.string() + ": " + e.problem());
    return e.problem();
  }
  return "";
}

}  // namespace

TEST_CASE("RegularFile reads a regular file piece by piece, and refuses to read past its end") {
  ScratchDir dir("regular");
  write_file(dir / "record", "0123456789");
  seqlab::RegularFile file(dir / "record");
  CHECK(file.size() == 10);
  char head[4] = {};
  file.read(head, 4);
  CHECK(std::string(head, 4) == "0123");
  CHECK(file.left() == 6);
  char tail[8] = {};
  try {
    file.read(tail, 7);
    FAIL("read past the end");
  } catch (const UnreadableFile& e) {
    CHECK(e.problem() == "it ends after 10 bytes, in the middle of its content");
  }
  file.read(tail, 6);
  CHECK(std::string(tail, 6) == "456789");
  CHECK(file.left() == 0);
}

TEST_CASE("RegularFile refuses a FIFO without blocking, and a folder, a device, a socket or a missing file") {
  ScratchDir dir("regular");
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  // Opening a FIFO for reading waits for a writer for ever: this returning at all is half the test.
  CHECK(problem_opening(dir / "fifo") == "is a FIFO (named pipe), not a regular file");
  CHECK(problem_opening(dir.path()) == "is a folder, not a regular file");
  CHECK(problem_opening("/dev/null") == "is a device, not a regular file");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = dir / "sock";
  REQUIRE(socket_path.size() < sizeof address.sun_path);
  socket_path.copy(address.sun_path, socket_path.size());
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  CHECK(problem_opening(socket_path) == "is a socket, not a regular file");
  ::close(sock);
  CHECK(problem_opening(dir / "missing") == "cannot read it: No such file or directory");
  // A link to a FIFO is followed, and refused as the FIFO it leads to.
  fs::create_symlink(dir / "fifo", dir / "link");
  CHECK(problem_opening(dir / "link") == "is a FIFO (named pipe), not a regular file");
}

TEST_CASE("read_regular_file reads a file of up to max_bytes whole, and refuses a larger one unread") {
  ScratchDir dir("regular");
  write_file(dir / "small", "{\"a\": 1}");
  CHECK(seqlab::read_regular_file(dir / "small", 8) == "{\"a\": 1}");
  write_file(dir / "empty", "");
  CHECK(seqlab::read_regular_file(dir / "empty", 0) == "");
  try {
    seqlab::read_regular_file(dir / "small", 7);
    FAIL("a file over the limit was read");
  } catch (const UnreadableFile& e) {
    CHECK(e.problem() == "it has 8 bytes, more than the 7 such a file can have");
  }
  // A sparse file the size of the limit and one byte more: refused from its size, without reading 64 MiB.
  fs::resize_file(dir / "empty", seqlab::kMaxRecordBytes + 1);
  CHECK_THROWS_AS(seqlab::read_regular_file(dir / "empty", seqlab::kMaxRecordBytes), UnreadableFile);
  // A link to a regular file is followed.
  fs::create_symlink(dir / "small", dir / "link");
  CHECK(seqlab::read_regular_file(dir / "link", 100) == "{\"a\": 1}");
}
