// The cores this process may run on: its affinity mask (a taskset, a Slurm allocation), not the machine's count.
#include <doctest/doctest.h>

#include <sched.h>
#include <thread>

#include "util/usable_cores.hpp"

namespace {

// Sets this thread's affinity mask for as long as it lives, then puts the old one back.
class Affinity {
 public:
  explicit Affinity(const cpu_set_t& mask) {
    sched_getaffinity(0, sizeof old_, &old_);
    ok_ = sched_setaffinity(0, sizeof mask, &mask) == 0;
  }
  ~Affinity() { sched_setaffinity(0, sizeof old_, &old_); }
  Affinity(const Affinity&) = delete;
  Affinity& operator=(const Affinity&) = delete;
  bool ok() const { return ok_; }

 private:
  cpu_set_t old_{};
  bool ok_ = false;
};

// The first `n` cores of `mask`.
cpu_set_t first_cores(const cpu_set_t& mask, int n) {
  cpu_set_t some;
  CPU_ZERO(&some);
  for (int cpu = 0; cpu < CPU_SETSIZE && CPU_COUNT(&some) < n; ++cpu)
    if (CPU_ISSET(cpu, &mask)) CPU_SET(cpu, &some);
  return some;
}

}  // namespace

TEST_CASE("usable_cores is at least 1 and at most the machine's core count") {
  const unsigned cores = seqlab::usable_cores();
  const unsigned machine = std::thread::hardware_concurrency();
  CHECK(cores >= 1);
  if (machine > 0) CHECK(cores <= machine);
}

TEST_CASE("usable_cores counts the affinity mask: a taskset to one core, or two, is what it reports") {
  cpu_set_t mask;
  REQUIRE(sched_getaffinity(0, sizeof mask, &mask) == 0);
  const int allowed = CPU_COUNT(&mask);
  CHECK(seqlab::usable_cores() == static_cast<unsigned>(allowed));
  for (int n = 1; n <= 2 && n <= allowed; ++n) {
    const Affinity narrowed(first_cores(mask, n));
    REQUIRE(narrowed.ok());
    CHECK(seqlab::usable_cores() == static_cast<unsigned>(n));
  }
  CHECK(seqlab::usable_cores() == static_cast<unsigned>(allowed));
}
