// The memory check counts the process's memory cgroup (v2, else v1) when its room is below MemAvailable.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/prerequisite.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace {

// The seed lstm on 200000 sequences: about 95 MiB, far below any machine's MemAvailable.
const std::string kRun = "run experiments/sine_lstm.yaml dataset.num_samples=200000 --no-plots";

// Runs `seqlab <arguments>` in a private mount namespace whose /sys/fs/cgroup is a tmpfs holding the
// files `setup` writes: the cgroup files seqlab reads, with the numbers a test chooses.
seqlab::test::ProcessResult with_fake_cgroup(const std::string& setup, const std::string& arguments) {
  return run_shell("cd '" + std::string(SEQLAB_TEST_SOURCE_DIR) +
                   "' && unshare -rm sh -c \"mount -t tmpfs tmpfs /sys/fs/cgroup && " + setup + " && timeout " +
                   std::to_string(seqlab::test::kRefusalSeconds * seqlab::test::timeout_scale()) + " '" +
                   SEQLAB_TEST_BINARY + "' " + arguments + "\"");
}

}  // namespace

TEST_CASE("a run that fits the machine but not its memory cgroup's limit is refused, naming the cgroup") {
  if (run_shell("unshare -rm true").exit_code != 0) {
    seqlab::test::missing_prerequisite(
        "a private mount namespace (unshare -rm, for a stand-in /sys/fs/cgroup)",
        "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run the tests as root");
    return;
  }
  // cgroup v2 (/proc/self/cgroup's "0::/" line: memory.max and memory.current), then v1's memory controller.
  const char* v2 = "echo 80000000 > /sys/fs/cgroup/memory.max && echo 30000000 > /sys/fs/cgroup/memory.current";
  const char* v1 =
      "mkdir /sys/fs/cgroup/memory && echo 80000000 > /sys/fs/cgroup/memory/memory.limit_in_bytes && "
      "echo 30000000 > /sys/fs/cgroup/memory/memory.usage_in_bytes";
  for (const char* setup : {v2, v1}) {
    CAPTURE(setup);
    ScratchDir dir("cgroup");
    const auto refused = with_fake_cgroup(setup, kRun + " --out '" + (dir / "out") + "'");
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    // 80e6 - 30e6 bytes = 47.7 MiB left, below the run's 95 MiB.
    CHECK(contains(refused.output, "but this process may use 47.7 MiB (its cgroup's memory limit)"));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));

    // Room enough (190 MiB left): validate accepts the same run, and says which limit it compared with.
    const std::string roomy = std::string(setup).replace(std::string(setup).find("80000000"), 8, "230000000");
    const auto accepted = with_fake_cgroup(roomy, "validate experiments/sine_lstm.yaml dataset.num_samples=200000");
    INFO(accepted.output);
    CHECK(accepted.exit_code == 0);
    CHECK(contains(accepted.output, "(its cgroup's memory limit)"));
  }
}
