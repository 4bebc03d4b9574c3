# Sourced by the MPI test scripts: how they call mpirun, and how they compare sweep summaries.

# As root in a container: --allow-run-as-root; more ranks than cores: --oversubscribe (and no binding, so every
# rank sees every core, as a local process does); shared memory + self only, no network probing.
mpirun_flags=(--allow-run-as-root --oversubscribe --bind-to none --mca btl self,vader)

# A time limit: Release seconds times SEQLAB_TEST_TIMEOUT_SCALE, which ctest passes with each test's TIMEOUT
# (tests/CMakeLists.txt) so that a sanitizer build's slower ranks are not taken for hung ones.
limit() { echo $(($1 * ${SEQLAB_TEST_TIMEOUT_SCALE:-1})); }

# summary.csv without its last two columns, seconds and run_folder (as tests/sweep/sweep_fixture.hpp's without_folders).
without_folders() { sed -E 's/,[^,]*,[^,]*$//' "$1"; }
