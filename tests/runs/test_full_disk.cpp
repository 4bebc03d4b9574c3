// A full disk while a run writes: a clear error naming the file, exit 1, and every file written before it intact.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace {

// Runs the seed RNN into a tmpfs of `size` mounted in a private mount namespace (unshare: no
// mount is left behind), then copies what the run left into `copy`. The run's output is returned.
seqlab::test::ProcessResult run_on_small_disk(const ScratchDir& dir, const std::string& size, const std::string& copy) {
  std::filesystem::create_directory(dir / "disk");
  return run_shell("unshare -rm sh -c \"mount -t tmpfs -o size=" + size + " tmpfs '" + (dir / "disk") + "' && cd '" +
                   SEQLAB_TEST_SOURCE_DIR + "' && '" + SEQLAB_TEST_BINARY +
                   "' run experiments/sine_rnn.yaml --no-plots --out '" + (dir / "disk/run") + "'; code=\\$?; cp -r '" +
                   (dir / "disk/run") + "' '" + copy + "'; exit \\$code\"");
}

// Every line of metrics.csv but a last one cut short by the full disk has all six columns.
bool complete_lines_intact(const std::string& metrics) {
  std::istringstream in(metrics);
  std::string line, previous;
  int lines = 0;
  bool intact = true;
  while (std::getline(in, line)) {
    if (!previous.empty()) intact = intact && std::count(previous.begin(), previous.end(), ',') == 5;
    previous = line;
    ++lines;
  }
  return intact && lines > 1;
}

}  // namespace

TEST_CASE("a full disk stops the run with the file it could not write, keeping what was written") {
  if (run_shell("unshare -rm true").exit_code != 0) {
    seqlab::test::missing_prerequisite(
        "a private mount namespace (unshare -rm, for a small tmpfs)",
        "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run the tests as root");
    return;
  }
  struct Case {
    std::string size, file;
  };
  // 12 KiB: metrics.csv fills it half way; 40 KiB: the checkpoint; 76 KiB: the weights; 96 KiB: predictions.csv.
  for (const Case& c : {Case{"12k", "/metrics.csv: cannot write epoch "}, Case{"40k", "/checkpoint.bin: cannot write"},
                        Case{"76k", "/weights/"}, Case{"96k", "/predictions.csv: write failed"}}) {
    CAPTURE(c.size);
    ScratchDir dir("disk");
    const std::string kept = dir / "kept";
    const auto result = run_on_small_disk(dir, c.size, kept);
    INFO(result.output);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.output, c.file));
    CHECK(contains(result.output, "No space left on device"));
    CHECK(contains(read_file(kept + "/config.yaml"), "name: sine_rnn"));
    CHECK(complete_lines_intact(read_file(kept + "/metrics.csv")));
    CHECK_FALSE(std::filesystem::exists(kept + "/summary.json"));  // written last: its absence says incomplete
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kept))
      CHECK(entry.path().extension() != ".tmp");  // no half-written file left behind
  }
}
