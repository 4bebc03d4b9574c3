// `sweep --backend mpi` runs the whole sweep over the ranks: the options of a local or sharded sweep are refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/refusal.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::kRefusalSeconds;
using seqlab::test::kTiny;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::sweep;
using seqlab::test::write_file;

TEST_CASE("sweep --backend mpi refuses --jobs, --shard, --collect, --dry-run and --emit-slurm, writing nothing") {
  ScratchDir dir("sweep-mpi-options");
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep: {parameters: {model.hidden_size: [2, 3]}}\n");
  const std::string out = dir / "sw";
  const std::vector<std::string> options = {"--jobs 2", "--shard 1/2", "--collect", "--dry-run",
                                            "--emit-slurm '" + (dir / "job.sbatch") + "'"};
  for (const std::string& option : options) {
    CAPTURE(option);
    // Not under mpirun: the refusal comes before MPI is started, as it must for a single process.
    const auto result = run_seqlab(sweep(dir, "--backend mpi " + option + " --out '" + out + "'"), "", kRefusalSeconds);
    INFO(result.output);
    CHECK(result.exit_code == 2);
#ifdef SEQLAB_HAVE_MPI
    CHECK(contains(result.output, "--backend mpi runs the whole sweep"));
    CHECK(contains(result.output, "use --dry-run, --collect, --shard, --emit-slurm and --jobs without it"));
#else
    CHECK(contains(result.output, "built without MPI"));
#endif
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(dir / "job.sbatch"));
  }
}
