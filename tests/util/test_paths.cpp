// Path containment by whole components, and text made safe as a file name and as a shell word.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"
#include "util/paths.hpp"

using seqlab::file_name_part;
using seqlab::is_within;
using seqlab::shell_quoted;

TEST_CASE("is_within compares whole components, after lexical normalisation") {
  CHECK(is_within("/a/b", "/a/b"));
  CHECK(is_within("/a/b/c/d", "/a/b"));
  CHECK(is_within("/a/b/c", "/a/b/"));
  CHECK(is_within("/a/b/", "/a/b"));
  CHECK(is_within("/anything", "/"));
  CHECK_FALSE(is_within("/a/bc", "/a/b"));  // a shared prefix of letters is not containment
  CHECK_FALSE(is_within("/a", "/a/b"));
  CHECK_FALSE(is_within("/a/b/../c", "/a/b"));  // ".." climbs out
  CHECK(is_within("/a/c/../b/d", "/a/b"));
  CHECK(is_within("/a/./b/x", "/a/b/."));
}

TEST_CASE("is_within takes relative paths from the working folder, and does not resolve links") {
  const auto here = std::filesystem::current_path();
  CHECK(is_within("x/y", here));
  CHECK(is_within(here / "x", "."));
  CHECK_FALSE(is_within("../x", here));
  // Lexical: a link inside the folder that points out of it still counts as inside (the header's caveat).
  seqlab::test::ScratchDir dir("paths"), elsewhere("paths-elsewhere");
  std::filesystem::create_directory_symlink(elsewhere.path(), dir / "out");
  CHECK(is_within(dir / "out/file", dir.path()));
  CHECK_FALSE(is_within(std::filesystem::canonical(dir / "out"), std::filesystem::canonical(dir.path())));
}

TEST_CASE("file_name_part keeps letters, digits, '.', '-' and '_', and turns every other byte into '_'") {
  CHECK(file_name_part("model.hidden_size") == "model.hidden_size");
  CHECK(file_name_part("my grid #1") == "my_grid__1");
  CHECK(file_name_part("a/b\\c") == "a_b_c");
  CHECK(file_name_part("x\ny\tz") == "x_y_z");
  CHECK(file_name_part("lr=1e-3") == "lr_1e-3");
  CHECK(file_name_part("caf\xc3\xa9") == "caf__");  // each byte of a multi-byte character
  CHECK(file_name_part("") == "");
}

TEST_CASE("shell_quoted makes one POSIX shell word that the shell gives back unchanged") {
  CHECK(shell_quoted("") == "''");
  CHECK(shell_quoted("plain") == "'plain'");
  CHECK(shell_quoted("it's") == "'it'\\''s'");
  // Through a real shell: printf prints the one word it got, byte for byte.
  for (const std::string text : {"a b", "$(touch x) `y` $HOME", "it's \"quoted\"", "new\nline", "*;|&<>", "''"}) {
    const auto result = seqlab::test::run_shell("printf '%s' " + shell_quoted(text));
    CHECK(result.exit_code == 0);
    CHECK(result.output == text);
  }
}
