// The layering check (cmake/check_layering.cmake): the real tree passes, and each kind of violation is caught.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const std::string kSource = SEQLAB_TEST_SOURCE_DIR;

seqlab::test::ProcessResult check_layering(const std::string& source_dir) {
  return run_shell("'" SEQLAB_TEST_CMAKE "' -DSOURCE_DIR='" + source_dir + "' -DLAYERS_FILE='" + kSource +
                   "/framework/src/layers.cmake' -P '" + kSource + "/cmake/check_layering.cmake'");
}

// A scratch tree with one file, `path` holding `text`.
void add_file(const ScratchDir& tree, const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(tree / path).parent_path());
  write_file(tree / path, text);
}

}  // namespace

TEST_CASE("every include in framework/src points down its layers") {
  const auto result = check_layering(kSource + "/framework/src");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "every include points down"));
}

TEST_CASE("the layering check refuses a lower layer including a higher one") {
  ScratchDir tree("layering");
  add_file(tree, "config/reads_cli.cpp", "#include \"config/experiment.hpp\"\n#include \"cli/subcommand.hpp\"\n");
  const auto result = check_layering(tree.path());
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "config/reads_cli.cpp: error: #include \"cli/subcommand.hpp\" points up"));
  CHECK(contains(result.output, "config/ may include only util, plots, host, config "));
  CHECK_FALSE(contains(result.output, "config/experiment.hpp\" points"));  // its own layer is fine
  CHECK(contains(result.output, "1 violation(s)"));
}

TEST_CASE("the layering check refuses folders that share a layer including each other") {
  ScratchDir tree("layering");
  add_file(tree, "training/uses_checks.cpp", "#include \"conformance/check_kit.hpp\"\n");
  add_file(tree, "conformance/uses_trainer.cpp", "#include \"training/trainer.hpp\"\n");
  const auto result = check_layering(tree.path());
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "training/uses_checks.cpp: error: #include \"conformance/check_kit.hpp\""));
  CHECK(contains(result.output, "conformance/uses_trainer.cpp: error: #include \"training/trainer.hpp\""));
}

TEST_CASE("the layering check refuses includes and files it cannot place") {
  ScratchDir tree("layering");
  add_file(tree, "util/climbs.cpp", "#include \"../cli/subcommand.hpp\"\n#include \"seqlab/model.hpp\"\n");
  add_file(tree, "loose.cpp", "int x;\n");
  add_file(tree, "gadgets/new.cpp", "int y;\n");
  const auto result = check_layering(tree.path());
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "util/climbs.cpp: error: #include \"../cli/subcommand.hpp\" does not name a layer"));
  CHECK_FALSE(contains(result.output, "seqlab/model.hpp"));  // the public SDK is open to every layer
  CHECK(contains(result.output, "loose.cpp: error: not in a layer folder"));
  CHECK(contains(result.output, "gadgets/new.cpp: error: not in a layer folder"));
}
