// Writing inside a folder by its descriptor: links at the names seqlab writes are replaced or refused (O_NOFOLLOW),
// never followed, and nothing lands outside the folder.
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "support/process.hpp"
#include "support/run_error_message.hpp"
#include "util/folder_handle.hpp"

using seqlab::FolderHandle;
using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_error_message;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

std::vector<std::string> sorted_names(const FolderHandle& folder) {
  auto names = folder.names();
  std::sort(names.begin(), names.end());
  return names;
}

// A shared folder with links planted at the names seqlab will use, all pointing into `outside`.
struct PlantedFolder {
  ScratchDir dir{"handle"}, outside{"handle-outside"};
  PlantedFolder() {
    write_file(outside / "victim", "not seqlab's");
    fs::create_directory(outside / "victim_folder");
    fs::create_symlink(outside / "victim", dir / "file_link");
    fs::create_directory_symlink(outside / "victim_folder", dir / "folder_link");
    fs::create_symlink(outside / "nothing", dir / "dangling");
  }
  void check_outside_untouched() {
    CHECK(read_file(outside / "victim") == "not seqlab's");
    CHECK(fs::is_empty(outside / "victim_folder"));
    CHECK_FALSE(fs::exists(outside / "nothing"));
  }
};

const std::string kRefused = " is a symbolic link; seqlab writes only into real folders inside the ";

}  // namespace

TEST_CASE("FolderHandle::open follows links the user named, creates when asked, and names a missing folder") {
  ScratchDir dir("handle"), real("handle-real");
  fs::create_directory_symlink(real.path(), dir / "chosen");
  const FolderHandle through = FolderHandle::open(dir / "chosen");
  through.write("file", "x");
  CHECK(read_file(real / "file") == "x");
  CHECK(through.path() == dir / "chosen");
  CHECK(run_error_message([&] { FolderHandle::open(dir / "missing"); }) ==
        "cannot open the folder " + (dir / "missing") + ": No such file or directory");
  const FolderHandle made = FolderHandle::open(dir / "a/b/c", true);
  CHECK(made.is_open());
  CHECK(fs::is_directory(dir / "a/b/c"));
  CHECK_FALSE(FolderHandle().is_open());
}

TEST_CASE("sub, open_made and refuse_link refuse a symbolic link (O_NOFOLLOW), naming it and the folder's kind") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path(), false, "sweep folder");
  for (const char* name : {"folder_link", "file_link", "dangling"}) {
    INFO(name);
    const std::string expected = (planted.dir / name) + kRefused + "sweep folder (remove the link and run again)";
    CHECK(run_error_message([&] { folder.sub(name); }) == expected);
    CHECK(run_error_message([&] { folder.sub(name, false); }) == expected);
    CHECK(run_error_message([&] { folder.refuse_link(name); }) == expected);
    CHECK(run_error_message([&] { FolderHandle::open_made(planted.dir / name, true, "sweep folder"); }) == expected);
    CHECK(fs::is_symlink(planted.dir / name));
  }
  planted.check_outside_untouched();
  // Nothing to refuse: a missing name, a real folder, a file.
  fs::create_directory(planted.dir / "real");
  write_file(planted.dir / "plain", "");
  for (const char* name : {"missing", "real", "plain"})
    CHECK(run_error_message([&] { folder.refuse_link(name); }) == "");
}

TEST_CASE("sub opens or creates a real sub-folder, and refuses a file or a missing one it may not create") {
  ScratchDir dir("handle");
  const FolderHandle folder = FolderHandle::open(dir.path());
  const FolderHandle trials = folder.sub("trials");
  CHECK(fs::is_directory(dir / "trials"));
  CHECK(trials.path() == dir / "trials");
  trials.sub("ab12").write("log.txt", "hello");
  CHECK(read_file(dir / "trials/ab12/log.txt") == "hello");
  write_file(dir / "plain", "");
  CHECK(run_error_message([&] { folder.sub("plain"); }) ==
        (dir / "plain") + " is not a folder; seqlab needs a folder there");
  CHECK(
      contains(run_error_message([&] { folder.sub("absent", false); }), "cannot open the folder " + (dir / "absent")));
  CHECK_FALSE(fs::exists(dir / "absent"));
  // A name must be one component: anything else is the caller's bug.
  for (const char* bad : {"", ".", "..", "a/b", "/etc"}) CHECK_THROWS_AS(folder.sub(bad), std::logic_error);
}

TEST_CASE("write replaces a link at the name with the file, the link's target untouched") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path());
  folder.write("file_link", "new");
  folder.write("dangling", "durable", true);
  CHECK_FALSE(fs::is_symlink(planted.dir / "file_link"));
  CHECK(read_file(planted.dir / "file_link") == "new");
  CHECK(read_file(planted.dir / "dangling") == "durable");
  planted.check_outside_untouched();
  // No temporary is left behind.
  CHECK(sorted_names(folder) == std::vector<std::string>{"dangling", "file_link", "folder_link"});
}

TEST_CASE("write_temporary names a fresh temporary beside the file, and rename puts it in place") {
  ScratchDir dir("handle");
  const FolderHandle folder = FolderHandle::open(dir.path());
  write_file(dir / "summary.json", "old");
  const std::string tmp = folder.write_temporary("summary.json", "new");
  CHECK(tmp.rfind("summary.json.", 0) == 0);
  CHECK(seqlab::is_temporary_name(tmp));
  CHECK(tmp != folder.write_temporary("summary.json", "other"));  // a fresh name each time
  CHECK(read_file(dir / "summary.json") == "old");                // held back until renamed
  CHECK(read_file(dir / tmp) == "new");
  folder.rename(tmp, "summary.json");
  CHECK(read_file(dir / "summary.json") == "new");
  CHECK_FALSE(fs::exists(dir / tmp));
  // rename_from: from another folder into this one.
  const FolderHandle staging = folder.make_temporary("staging");
  staging.write("a.npy", "weights");
  folder.sub("weights").rename_from(staging, "a.npy", "a.npy");
  CHECK(read_file(dir / "weights/a.npy") == "weights");
  // A failed rename names both ends.
  const std::string message = run_error_message([&] { folder.rename("no-such.tmp", "x"); });
  CHECK(contains(message, (dir / "x") + ": cannot move " + (dir / "no-such.tmp") + " into place"));
}

TEST_CASE("exchange swaps two entries, or renames when the second is missing") {
  ScratchDir dir("handle");
  const FolderHandle folder = FolderHandle::open(dir.path());
  fs::create_directory(dir / "new");
  write_file(dir / "new/marker", "new");
  fs::create_directory(dir / "current");
  write_file(dir / "current/marker", "current");
  folder.exchange("new", "current");
  CHECK(read_file(dir / "current/marker") == "new");
  CHECK(read_file(dir / "new/marker") == "current");
  write_file(dir / "a", "a");
  folder.exchange("a", "b");
  CHECK_FALSE(fs::exists(dir / "a"));
  CHECK(read_file(dir / "b") == "a");
  CHECK(contains(run_error_message([&] { folder.exchange("missing", "neither"); }), "cannot move"));
}

TEST_CASE("make_new refuses a taken name, a link included, and make_temporary draws fresh names") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path());
  CHECK(folder.make_new("trial").has_value());
  CHECK_FALSE(folder.make_new("trial").has_value());
  CHECK_FALSE(folder.make_new("folder_link").has_value());
  CHECK_FALSE(folder.make_new("dangling").has_value());
  const FolderHandle a = folder.make_temporary("eval"), b = folder.make_temporary("eval");
  CHECK(a.path() != b.path());
  CHECK(a.path().filename().string().rfind("eval.", 0) == 0);
  CHECK(seqlab::is_temporary_name(a.path().filename().string()));
  planted.check_outside_untouched();
}

TEST_CASE("open_append appends to a real file and refuses a link, which with create it replaces") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path(), false, "run folder");
  CHECK(run_error_message([&] { folder.open_append("file_link", false); }) ==
        (planted.dir / "file_link") + kRefused + "run folder (remove the link and run again)");
  CHECK(contains(run_error_message([&] { folder.open_append("missing", false); }),
                 (planted.dir / "missing") + ": cannot open for appending"));
  {
    const auto fd = folder.open_append("file_link", true);
    CHECK(seqlab::write_all(fd.get(), "line 1\n"));
  }
  {
    const auto fd = folder.open_append("file_link", false);
    CHECK(seqlab::write_all(fd.get(), "line 2\n"));
  }
  CHECK_FALSE(fs::is_symlink(planted.dir / "file_link"));
  CHECK(read_file(planted.dir / "file_link") == "line 1\nline 2\n");
  folder.create_empty("dangling");
  CHECK(fs::is_regular_file(fs::symlink_status(planted.dir / "dangling")));
  CHECK(fs::file_size(planted.dir / "dangling") == 0);
  write_file(planted.dir / "full", "content");
  folder.create_empty("full");
  CHECK(read_file(planted.dir / "full") == "");
  planted.check_outside_untouched();
}

TEST_CASE("remove takes away links as links and folders with what is in them, never a link's target") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path());
  fs::create_directories(planted.dir / "tree/deep/er");
  write_file(planted.dir / "tree/deep/er/file", "x");
  fs::create_directory_symlink(planted.outside / "victim_folder", planted.dir / "tree/inner_link");
  write_file(planted.outside / "victim_folder/keep", "kept");
  folder.remove("tree");
  folder.remove("file_link");
  folder.remove("folder_link");
  folder.remove("dangling");
  folder.remove("missing");    // no error
  folder.remove("../escape");  // not one component: ignored
  CHECK(folder.names().empty());
  CHECK(read_file(planted.outside / "victim") == "not seqlab's");
  CHECK(read_file(planted.outside / "victim_folder/keep") == "kept");
}

TEST_CASE("names, has and remove_stale_temporaries see links as entries and only temporaries as stale") {
  PlantedFolder planted;
  const FolderHandle folder = FolderHandle::open(planted.dir.path());
  CHECK(sorted_names(folder) == std::vector<std::string>{"dangling", "file_link", "folder_link"});
  CHECK(folder.has("dangling"));  // a link counts, whatever it points at
  CHECK_FALSE(folder.has("missing"));
  for (const char* name : {"metrics.csv.a1b2c3.tmp", "x.zzzzzz.tmp", "keep.tmp", "keep.ABCDEF.tmp", "keep.a1b2c3"})
    write_file(planted.dir / name, "");
  fs::create_directory(planted.dir / "eval.q9w8e7.tmp");
  write_file(planted.dir / "eval.q9w8e7.tmp/inside", "");
  folder.remove_stale_temporaries();
  CHECK(sorted_names(folder) ==
        std::vector<std::string>{"dangling", "file_link", "folder_link", "keep.ABCDEF.tmp", "keep.a1b2c3", "keep.tmp"});
  planted.check_outside_untouched();
}

TEST_CASE("is_temporary_name: a name, a dot, six lower-case letters or digits, .tmp") {
  CHECK(seqlab::is_temporary_name("checkpoint.bin.0a9z3k.tmp"));
  CHECK(seqlab::is_temporary_name("x.000000.tmp"));
  CHECK_FALSE(seqlab::is_temporary_name(".000000.tmp"));    // no name before it
  CHECK_FALSE(seqlab::is_temporary_name("x.00000.tmp"));    // five
  CHECK_FALSE(seqlab::is_temporary_name("x.0000000.tmp"));  // seven: the dot is not where it belongs
  CHECK_FALSE(seqlab::is_temporary_name("x.ABCDEF.tmp"));
  CHECK_FALSE(seqlab::is_temporary_name("x.abc-ef.tmp"));
  CHECK_FALSE(seqlab::is_temporary_name("x.abcdef.tmq"));
  CHECK_FALSE(seqlab::is_temporary_name("metrics.csv"));
  CHECK_FALSE(seqlab::is_temporary_name(""));
}

TEST_CASE("FileDescriptor closes once, moves ownership, and write_all writes everything or says why not") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  seqlab::FileDescriptor read_end(fds[0]);
  seqlab::FileDescriptor write_end(fds[1]);
  seqlab::FileDescriptor moved(std::move(write_end));
  CHECK_FALSE(write_end.is_open());
  CHECK(moved.get() == fds[1]);
  const std::string bytes(1000, 'b');
  CHECK(seqlab::write_all(moved.get(), bytes));
  moved.close();
  CHECK_FALSE(moved.is_open());
  std::string got(2000, '\0');
  CHECK(::read(read_end.get(), got.data(), got.size()) == 1000);
  errno = 0;
  CHECK_FALSE(seqlab::write_all(fds[1], "x"));  // closed: EBADF, not a crash
  CHECK(errno == EBADF);
  seqlab::FileDescriptor other;
  other = std::move(read_end);
  CHECK(other.get() == fds[0]);
  CHECK_FALSE(read_end.is_open());
}
