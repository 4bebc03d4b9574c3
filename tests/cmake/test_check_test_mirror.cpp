// The test-mirror check (cmake/check_test_mirror.cmake) on small trees: a mirrored test or a `// Tested in` line
// naming existing tests passes; a source with neither, or a line naming a missing file, fails naming the source.
// The real tree is checked by the ctest entry test_mirror (tests/CMakeLists.txt).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Runs the check on `tree`/framework/src against `tree`/tests.
seqlab::test::ProcessResult check_test_mirror(const ScratchDir& tree) {
  return run_shell("'" SEQLAB_TEST_CMAKE "' -DSOURCE_DIR='" + (tree / "framework/src") + "' -DTESTS_DIR='" +
                   (tree / "tests") + "' -P '" SEQLAB_TEST_SOURCE_DIR "/cmake/check_test_mirror.cmake'");
}

// `path` in `tree`, holding `text`.
void add_file(const ScratchDir& tree, const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(tree / path).parent_path());
  write_file(tree / path, text);
}

}  // namespace

TEST_CASE("the test-mirror check passes a mirrored test and a `Tested in` line naming existing tests") {
  ScratchDir tree("mirror");
  add_file(tree, "framework/src/util/base64.cpp", "// Base64.\n#include \"util/base64.hpp\"\n");
  add_file(tree, "tests/util/test_base64.cpp", "");
  add_file(tree, "framework/src/cli/run_command.cpp",
           "// `seqlab run`.\n// Tested in tests/cli/test_errors.cpp, tests/runs/test_resume.cpp.\nint x;\n");
  add_file(tree, "tests/cli/test_errors.cpp", "");
  add_file(tree, "tests/runs/test_resume.cpp", "");
  // A list too long for one line, wrapped onto the next comment line.
  add_file(tree, "framework/src/runs/long.cpp",
           "// Long.\n// Tested in tests/cli/test_errors.cpp,\n//   tests/runs/test_resume.cpp\n#include <x>\n");
  const auto result = check_test_mirror(tree);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "test_mirror: 3 sources: 1 with their tests/X/test_Y.cpp, 2 with a `// Tested in`"));
}

TEST_CASE("the test-mirror check names each source with no test a reader can find") {
  ScratchDir tree("mirror");
  add_file(tree, "framework/src/util/untested.cpp", "// Nothing tests this.\nint x;\n");
  // Only the opening comment counts: a `Tested in` further down is not where a reader looks.
  add_file(tree, "framework/src/util/buried.cpp",
           "// Buried.\n#include <x>\n// Tested in tests/util/test_exists.cpp\n");
  add_file(tree, "framework/src/util/stale.cpp", "// Stale.\n// Tested in tests/util/test_gone.cpp\n");
  add_file(tree, "framework/src/util/empty_line.cpp", "// Empty.\n// Tested in nothing yet\n");
  // A stale line fails even beside a mirrored test.
  add_file(tree, "framework/src/util/both.cpp", "// Both.\n// Tested in tests/util/test_old.cpp\n");
  add_file(tree, "tests/util/test_both.cpp", "");
  add_file(tree, "tests/util/test_exists.cpp", "");
  // A folder is no test file; nor is a test of the right name in the wrong folder.
  add_file(tree, "framework/src/runs/folder.cpp", "// Folder.\n// Tested in tests/util\n");
  add_file(tree, "framework/src/runs/elsewhere.cpp", "// Elsewhere.\n");
  add_file(tree, "tests/util/test_elsewhere.cpp", "");
  const auto result = check_test_mirror(tree);
  INFO(result.output);
  CHECK(result.exit_code != 0);
  const std::string src = tree / "framework/src/";
  CHECK(contains(result.output, src + "util/untested.cpp: error: no test found: tests/util/test_untested.cpp"));
  CHECK(contains(result.output, src + "util/buried.cpp: error: no test found"));
  CHECK(contains(result.output, src + "util/stale.cpp: error: its `// Tested in` line names tests/util/test_gone.cpp"));
  CHECK(contains(result.output, src + "util/empty_line.cpp: error: its `// Tested in` line names no test file"));
  CHECK(contains(result.output, src + "util/both.cpp: error: its `// Tested in` line names tests/util/test_old.cpp"));
  CHECK(contains(result.output, src + "runs/folder.cpp: error: its `// Tested in` line names tests/util, not an existing test file"));
  CHECK(contains(result.output, src + "runs/elsewhere.cpp: error: no test found: tests/runs/test_elsewhere.cpp"));
  CHECK(contains(result.output, "test_mirror: 7 of 7 sources without a test a reader can find"));
}
