// The affinity mask, with the machine's core count as the fallback.
#include "util/usable_cores.hpp"

#include <algorithm>
#include <sched.h>
#include <thread>

namespace seqlab {

unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace seqlab
