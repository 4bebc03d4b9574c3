// The overrides a run applies: the command line's own, in order, then --threads as training.threads.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runs/run_options.hpp"

TEST_CASE("run_overrides keeps the command line's overrides in order and adds --threads last") {
  seqlab::RunOptions options;
  CHECK(seqlab::run_overrides(options).empty());
  options.overrides = {"training.epochs=3", "optimizer.lr=0.1"};
  CHECK(seqlab::run_overrides(options) == options.overrides);  // --threads 0: the experiment's own
  options.threads = 4;
  CHECK(seqlab::run_overrides(options) ==
        std::vector<std::string>{"training.epochs=3", "optimizer.lr=0.1", "training.threads=4"});
  options.overrides.clear();
  CHECK(seqlab::run_overrides(options) == std::vector<std::string>{"training.threads=4"});
}
