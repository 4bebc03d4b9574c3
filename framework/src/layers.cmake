# The layers of framework/src, lowest first: a file may include headers of its own folder and of
# lower layers only. Folders joined by '+' share a layer and may not include each other.
# cmake/check_layering.cmake enforces this (ctest: layering); README.md in each folder says why.
set(SEQLAB_LAYERS util plots host config training+conformance forecast runs report sweep mpi cli)
