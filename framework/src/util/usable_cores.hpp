// How many cores this process may run on.
#pragma once

namespace seqlab {

// The cores in this process's affinity mask (a Slurm task's allocation, a
// taskset, a container's cpuset), not the whole machine's; at least 1.
unsigned usable_cores();

}  // namespace seqlab
