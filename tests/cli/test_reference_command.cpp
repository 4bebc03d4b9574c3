// `seqlab reference DIR` (framework/src/cli/reference_command.cpp, reference_pages.cpp): docs/reference/ is what the
// code makes today, the same on every machine, and it covers every key of every runner schema.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "config/runner_schemas.hpp"
#include "support/process.hpp"
#include "sweep/halving.hpp"
#include "sweep/sweep_spec.hpp"

namespace {

using seqlab::test::read_file;
using seqlab::test::run_seqlab;

const char* const kPages[] = {"README.md", "runner.md", "plugins.md"};

}  // namespace

TEST_CASE("docs/reference/ is what `seqlab reference` writes today, with no path or machine fact in it") {
  seqlab::test::ScratchDir dir("reference");
  // Only the shipped plugins: a plugin folder of the user's would add pages of its own.
  const auto r = run_seqlab("reference '" + (dir / "out") + "'", "-u SEQLAB_PLUGIN_PATH");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  for (const char* page : kPages) {
    CAPTURE(page);
    const std::string fresh = read_file(dir / ("out/" + std::string(page)));
    const std::string committed = read_file(std::string(SEQLAB_TEST_SOURCE_DIR) + "/docs/reference/" + page);
    CHECK(fresh.find(SEQLAB_TEST_SOURCE_DIR) == std::string::npos);
    CHECK_MESSAGE(fresh == committed, "docs/reference/"
                                          << page << " is stale; regenerate it with: build/bin/seqlab reference "
                                          << "docs/reference (and add a CHANGELOG line for what changed)");
  }
  const std::string plugins = read_file(dir / "out/plugins.md");
  CHECK(plugins.find("| `lr` | number | `0.001` | > 0 | learning rate |") != std::string::npos);
  // training.threads' bound is the machine's core count times 4: the page states it in words.
  const std::string runner = read_file(dir / "out/runner.md");
  CHECK(runner.find("| `threads` | integer | `1` | 1 to 4 x the cores this process may use |") != std::string::npos);
}

TEST_CASE(
    "the runner reference has a row for every key of the top level, training, early stopping, sweep and "
    "halving schemas") {
  seqlab::test::ScratchDir dir("reference_keys");
  const auto r = run_seqlab("reference '" + (dir / "out") + "'", "-u SEQLAB_PLUGIN_PATH");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const std::string runner = read_file(dir / "out/runner.md");
  int rows = 0;
  for (const auto* schema : {&seqlab::experiment_schema(), &seqlab::training_schema(), &seqlab::early_stopping_schema(),
                             &seqlab::sweep_schema(), &seqlab::halving_schema()})
    for (const auto& spec : *schema) {
      CAPTURE(spec.name);
      CHECK(runner.find("| `" + spec.name + "` |") != std::string::npos);
      ++rows;
    }
  CHECK(rows >= 20);
  for (const char* heading : {"## `training`", "## `training.early_stopping`", "## `sweep`", "## `sweep.scheduler`"})
    CHECK(runner.find(heading) != std::string::npos);
}

TEST_CASE("seqlab reference without a folder is a usage error") {
  const auto r = run_seqlab("reference");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("dir is required") != std::string::npos);
}

TEST_CASE("seqlab reference refuses plugin folders where a name clashes: it cannot say which one it documents") {
  seqlab::test::ScratchDir dir("reference_clash");
  const std::string plugins = SEQLAB_TEST_BAD_PLUGIN_DIR;
  const auto r = run_seqlab("reference '" + (dir / "out") + "' --plugin-dir '" + plugins +
                                "/stand_in_mse' --plugin-dir '" + plugins + "/stand_in_mse_copy'",
                            "-u SEQLAB_PLUGIN_PATH");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("two loss plugins are named 'mse'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out/plugins.md"));
}
