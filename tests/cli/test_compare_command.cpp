// `seqlab compare`: the settings that differ between runs, their metrics, and the overlaid curves.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"

using seqlab::test::contains;

using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("compare shows only the differing settings and each run's metrics") {
  ScratchDir dir("compare");
  const std::string small = " --no-plots training.epochs=3 dataset.num_samples=40 dataset.val_samples=10 ";
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "a") + "'" + small).exit_code == 0);
  REQUIRE(
      run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "b") + "'" + small + "optimizer.lr=0.05").exit_code ==
      0);
  const auto result = run_seqlab("compare '" + (dir / "a") + "' '" + (dir / "b") + "' --out '" + (dir / "cmp") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "| run | optimizer.lr | status |"));  // lr differs; nothing else does
  CHECK(contains(result.output, "| 0.01 | completed | 3 |"));
  CHECK(contains(result.output, "| 0.05 | completed | 3 |"));
  CHECK(std::filesystem::exists(dir / "cmp/compare.md"));
  CHECK(std::filesystem::exists(dir / "cmp/loss_overlay.dat"));
  CHECK(std::filesystem::exists(dir / "cmp/loss_overlay.gp"));
}

TEST_CASE("compare refuses a folder that is not a run, naming it") {
  ScratchDir dir("compare");
  const auto result = run_seqlab("compare '" + dir.path() + "'");
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "not a seqlab run folder"));
}

TEST_CASE("compare --top N ranks the runs, groups them by sweep and plots only the N best, labelled by settings") {
  ScratchDir dir("compare");
  seqlab::test::write_file(dir / "exp.yaml", seqlab::test::kTinyLrSweep);
  REQUIRE(run_seqlab("sweep '" + (dir / "exp.yaml") + "' --jobs 2 --no-plots --out '" + (dir / "sw") + "'").exit_code ==
          0);
  REQUIRE(run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots optimizer.lr=0.05 --out '" + (dir / "lone") + "'")
              .exit_code == 0);
  const auto result =
      run_seqlab("compare '" + (dir / "sw") + "' '" + (dir / "lone") + "' --top 2 --out '" + (dir / "cmp") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.output, "The 2 best of 4 runs by final val_loss (lower is better)."));
  CHECK(contains(result.output, "| rank | run | sweep | optimizer.lr |"));  // two groups: a sweep column
  CHECK(seqlab::test::count_of(result.output, "| completed |") == 2);
  // The overlay: two curves, best first, named by their learning rate, never by a folder or a 17-digit number.
  const std::string gp = seqlab::test::read_file(dir / "cmp/loss_overlay.gp");
  CHECK(seqlab::test::count_of(gp, " index ") == 2);
  CHECK(contains(gp, "title '1. "));
  CHECK(contains(gp, "lr="));
  CHECK_FALSE(contains(gp, dir.path()));
  CHECK((contains(gp, "set key outside") || contains(gp, "set key at screen")));

  // Ranked by another number of summary.json, and an unknown one refused with the ones there are.
  const auto by_time = run_seqlab("compare '" + (dir / "sw") + "' --metric median_epoch_ms --top 1");
  CHECK(by_time.exit_code == 0);
  CHECK(contains(by_time.output, "The 1 best of 3 runs by median_epoch_ms"));
  const auto unknown = run_seqlab("compare '" + (dir / "sw") + "' --metric accuracy");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.output, "--metric accuracy: no run's summary.json has it (known: "));
  CHECK(contains(unknown.output, "final_val_loss"));
}

TEST_CASE("compare shows control characters from a run's files escaped, and writes compare.md through no link") {
  ScratchDir dir("compare");
  const std::string small = " --no-plots training.epochs=2 dataset.num_samples=40 dataset.val_samples=10 ";
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "a") + "'" + small).exit_code == 0);
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml --out '" + (dir / "b") + "'" + small).exit_code == 0);
  // A shared run folder's config.yaml, edited: a name that would turn the terminal red and retitle its window.
  std::string config = seqlab::test::read_file(dir / "b/config.yaml");
  const auto at = config.find("name: sine_rnn");
  REQUIRE(at != std::string::npos);
  config.replace(at, 14, "name: \"x\\e[31my\\e]0;owned\\a\"");
  seqlab::test::write_file(dir / "b/config.yaml", config);
  std::filesystem::create_directories(dir / "cmp");
  seqlab::test::write_file(dir / "victim.txt", "precious");
  std::filesystem::create_symlink(dir / "victim.txt", dir / "cmp/compare.md");
  const auto result = run_seqlab("compare '" + (dir / "a") + "' '" + (dir / "b") + "' --out '" + (dir / "cmp") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "| x\\x1b[31my\\x1b]0;owned\\x07 |"));
  CHECK_FALSE(contains(result.output, "\x1b"));
  CHECK_FALSE(contains(result.output, "\x07"));
  CHECK(seqlab::test::read_file(dir / "victim.txt") == "precious");
  CHECK_FALSE(std::filesystem::is_symlink(dir / "cmp/compare.md"));
  CHECK(contains(seqlab::test::read_file(dir / "cmp/compare.md"), "x\\x1b[31my"));
}
