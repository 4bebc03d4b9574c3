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

// tree_dir: the repository root whose SDK, kernels, plugins and climbing includes are checked too ("": only
// source_dir).
seqlab::test::ProcessResult check_layering(const std::string& source_dir, const std::string& tree_dir = "") {
  const std::string tree = tree_dir.empty() ? "" : " -DTREE_DIR='" + tree_dir + "'";
  return run_shell("'" SEQLAB_TEST_CMAKE "' -DSOURCE_DIR='" + source_dir + "'" + tree + " -DLAYERS_FILE='" + kSource +
                   "/framework/src/layers.cmake' -P '" + kSource + "/cmake/check_layering.cmake'");
}

// A scratch tree with one file, `path` holding `text`.
void add_file(const ScratchDir& tree, const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(tree / path).parent_path());
  write_file(tree / path, text);
}

}  // namespace

TEST_CASE("every include in the tree points down its layers, and none climbs") {
  const auto result = check_layering(kSource + "/framework/src", kSource);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "every include points down"));
  CHECK(contains(result.output, "SDK, kernel and plugin files include no runner header"));
  CHECK(contains(result.output, "files in the tree include no ../ path"));
}

TEST_CASE("the layering check reads angled includes of the runner's headers as it reads quoted ones") {
  ScratchDir tree("layering");
  add_file(tree, "config/reads_cli.cpp",
           "#include <vector>\n#include <boost/dll.hpp>\n#include <cli/subcommand.hpp>\n");
  const auto result = check_layering(tree.path());
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "config/reads_cli.cpp: error: #include \"cli/subcommand.hpp\" points up"));
  CHECK(contains(result.output, "1 violation(s)"));  // system and third-party headers are not layers
}

TEST_CASE(
    "the layering check keeps the SDK, the kernels and plugins out of the runner, and every include from climbing") {
  ScratchDir tree("layering");
  add_file(tree, "framework/src/util/fine.cpp", "#include \"util/fine.hpp\"\n#include <seqlab/model.hpp>\n");
  add_file(tree, "framework/src/training/fast.cpp", "#include <seqlab/kernels/register_gemm.hpp>\n");
  add_file(tree, "framework/include/seqlab/sdk.hpp",
           "#include <xtensor/xtensor.hpp>\n#include \"config/experiment.hpp\"\n#include <seqlab/kernels/simd.hpp>\n");
  add_file(tree, "framework/kernels/include/seqlab/kernels/k.hpp",
           "#include <seqlab/tensor.hpp>\n#include <runs/run.hpp>\n");
  add_file(
      tree, "plugins/models/cell.cpp",
      "#include <seqlab/kernels/recurrent_fast.hpp>\n#include \"own_helper.hpp\"\n#include \"training/trainer.hpp\"\n");
  add_file(tree, "tests/x/test_y.cpp", "#include \"../../plugins/models/cell.hpp\"\n");
  add_file(tree, "tools/z.cpp", "#include <a/../b.hpp>\n");
  const auto result = check_layering(tree / "framework/src", tree.path());
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "seqlab/sdk.hpp: error: #include \"config/experiment.hpp\" reaches into the runner"));
  CHECK(
      contains(result.output, "seqlab/sdk.hpp: error: #include \"seqlab/kernels/simd.hpp\": the SDK may not include"));
  CHECK(contains(result.output, "kernels/k.hpp: error: #include \"runs/run.hpp\" reaches into the runner"));
  CHECK(contains(result.output, "models/cell.cpp: error: #include \"training/trainer.hpp\" reaches into the runner"));
  CHECK(contains(result.output, "x/test_y.cpp: error: #include \"../../plugins/models/cell.hpp\" climbs"));
  CHECK(contains(result.output, "tools/z.cpp: error: #include \"a/../b.hpp\" climbs"));
  CHECK(contains(result.output,
                 "training/fast.cpp: error: #include \"seqlab/kernels/register_gemm.hpp\": the runner "
                 "does not include the kernel library"));
  CHECK(contains(result.output, "7 violation(s)"));  // the SDK, kernel and own-folder includes above are fine
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
