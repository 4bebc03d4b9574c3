// seqlab/kernels/version.hpp: the kernel library's version has a line in CHANGELOG.md's table of kernel library
// versions, which says what each version asked of code built on the kernels (as the plugin API's table does).
#include <doctest/doctest.h>

#include <fstream>
#include <seqlab/kernels/version.hpp>
#include <sstream>
#include <string>

TEST_CASE("kKernelsVersion is at least 1 and CHANGELOG.md's kernel library table has its row") {
  CHECK(seqlab::kernels::kKernelsVersion >= 1);
  std::ifstream file(std::string(SEQLAB_TEST_SOURCE_DIR) + "/CHANGELOG.md");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  const std::string changelog = text.str();
  const std::size_t section = changelog.find("\n## Kernel library versions\n");
  REQUIRE(section != std::string::npos);
  const std::string row = "\n| " + std::to_string(seqlab::kernels::kKernelsVersion) + " | ";
  CHECK_MESSAGE(changelog.find(row, section) != std::string::npos, "CHANGELOG.md: add a row for kKernelsVersion "
                                                                       << seqlab::kernels::kKernelsVersion
                                                                       << " to '## Kernel library versions'");
}
