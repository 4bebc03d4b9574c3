# Sourced by the MPI test scripts: how they call mpirun, and how they compare sweep summaries.

# As root in a container: --allow-run-as-root; more ranks than cores: --oversubscribe (and no binding, so every
# rank sees every core, as a local process does); shared memory + self only, no network probing.
mpirun_flags=(--allow-run-as-root --oversubscribe --bind-to none --mca btl self,vader)

# summary.csv without its last two columns, seconds and run_folder (as tests/sweep/test_sweep.cpp's without_folders).
without_folders() { sed -E 's/,[^,]*,[^,]*$//' "$1"; }
