// The file-length check (cmake/check_file_lengths.cmake): the real tree has no file people read over 500 lines;
// on small trees, a file over the limit fails naming it and its length, and data folders are not read.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

seqlab::test::ProcessResult check_file_lengths(const std::string& root, int max_lines = 0) {
  const std::string limit = max_lines ? " -DMAX_LINES=" + std::to_string(max_lines) : "";
  return run_shell("'" SEQLAB_TEST_CMAKE "' -DROOT_DIR='" + root + "'" + limit +
                   " -P '" SEQLAB_TEST_SOURCE_DIR "/cmake/check_file_lengths.cmake'");
}

// `path` in `tree`, holding `lines` lines of text.
void add_lines(const ScratchDir& tree, const std::string& path, int lines) {
  std::filesystem::create_directories(std::filesystem::path(tree / path).parent_path());
  std::string text;
  for (int i = 0; i < lines; ++i) text += "line " + std::to_string(i) + "\n";
  write_file(tree / path, text);
}

}  // namespace

TEST_CASE("no file people read in the tree is over 500 lines") {
  const auto result = check_file_lengths(SEQLAB_TEST_SOURCE_DIR);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "none over 500 lines"));
}

TEST_CASE("the file-length check names each file over the limit, and leaves data and the changelog alone") {
  ScratchDir tree("lengths");
  add_lines(tree, "framework/src/runs/big.cpp", 11);
  add_lines(tree, "framework/src/runs/fine.cpp", 10);
  add_lines(tree, "tools/script", 12);  // extensionless scripts in tools/ are read too
  add_lines(tree, "docs/long.md", 11);
  add_lines(tree, "tests/fixtures/torch/manifest.json", 50);
  add_lines(tree, "tests/fixtures/torch/case.py", 50);
  add_lines(tree, "experiments/data/series.csv", 50);
  add_lines(tree, "CHANGELOG.md", 50);
  const auto result = check_file_lengths(tree.path(), 10);
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "framework/src/runs/big.cpp: error: 11 lines, over 10"));
  CHECK(contains(result.output, "tools/script: error: 12 lines, over 10"));
  CHECK(contains(result.output, "docs/long.md: error: 11 lines, over 10"));
  CHECK_FALSE(contains(result.output, "fine.cpp"));
  CHECK_FALSE(contains(result.output, "fixtures"));
  CHECK_FALSE(contains(result.output, "series.csv"));
  CHECK_FALSE(contains(result.output, "CHANGELOG"));
  CHECK(contains(result.output, "3 of 4 files over 10 lines"));
}
