// One run per folder: a run holds an flock on its folder, so a second run into it is refused while the first lives.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::kRefusalSeconds;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace {

std::string run_into(const std::string& out) {
  return "run experiments/sine_rnn.yaml --no-plots training.epochs=2 dataset.num_samples=40 --out '" + out + "'";
}

}  // namespace

TEST_CASE("a second run into a folder another process holds is refused, and once that process is gone it proceeds") {
  ScratchDir dir("lock");
  const std::string out = dir / "run";
  std::filesystem::create_directory(out);
  // util-linux flock(1) takes the same flock(2) lock seqlab does. With -o it closes the locked descriptor before
  // starting `sleep`, so flock's own process is the only holder: killing it really frees the folder (without -o
  // the forked sleep would inherit the descriptor and keep the lock). The holder waits for the lock (-w, not -n):
  // the probe below takes it for an instant, and a non-blocking holder that tried then would give up for good.
  REQUIRE(run_shell("flock -w 60 -o '" + out + "' sleep 60 >/dev/null 2>&1 & echo $! > '" + (dir / "holder.pid") + "'")
              .exit_code == 0);
  bool held = false;
  for (int i = 0; i < 1500 && !held; ++i) {  // up to 30 s on a loaded machine, until the holder has it
    held = run_shell("flock -n '" + out + "' true").exit_code != 0;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(held);

  auto result = run_seqlab(run_into(out), "", kRefusalSeconds);
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "another process is writing this folder"));
  CHECK(std::filesystem::is_empty(out));

  // The holder dies (kill -9): the kernel drops its lock, and the stale folder is taken over.
  const std::string holder = "$(cat '" + (dir / "holder.pid") + "')";
  run_shell("pkill -9 -P " + holder + "; kill -9 " + holder);  // its sleep too, which holds nothing
  for (int i = 0; i < 100 && run_shell("kill -0 " + holder).exit_code == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(run_shell("kill -0 " + holder).exit_code != 0);  // the holder is gone
  result = run_seqlab(run_into(out));
  CHECK(result.exit_code == 0);
  CHECK(std::filesystem::exists(out + "/summary.json"));
}

TEST_CASE("two seqlab runs into one --out: the second is refused while the first trains") {
  ScratchDir dir("lock");
  const std::string out = dir / "run";
  const std::string slow = "run experiments/sine_lstm.yaml --no-plots training.epochs=100000 --out '" + out + "'";
  REQUIRE(run_shell(std::string("cd '") + SEQLAB_TEST_SOURCE_DIR + "' && '" + SEQLAB_TEST_BINARY + "' " + slow +
                    " >/dev/null 2>&1 & echo $! > '" + (dir / "first.pid") + "'")
              .exit_code == 0);
  for (int i = 0; i < 1500 && !std::filesystem::exists(out + "/metrics.csv"); ++i)  // up to 30 s on a loaded machine
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(std::filesystem::exists(out + "/metrics.csv"));  // the first run holds the folder
  const auto result = run_seqlab(run_into(out), "", kRefusalSeconds);
  run_shell("kill -9 $(cat '" + (dir / "first.pid") + "')");
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "another process is writing this folder"));
  CHECK(std::filesystem::exists(out + "/config.yaml"));  // the first run's files are untouched
}
