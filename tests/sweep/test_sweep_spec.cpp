// The sweep section as written: the trials it expands to (--dry-run), its mistakes at their file:line:col, and the
// overrides it refuses.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::kTiny;
using seqlab::test::sweep;

using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

TEST_CASE("sweep --dry-run lists the grid: product of the lists x repeats") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  repeats: 2
  parameters:
    model.plugin: [rnn, lstm]
    model.hidden_size: [2, 3, 4]
)");
  const auto result = run_seqlab(sweep(dir, "--dry-run --out '" + (dir / "sw") + "'"));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "12 trials (grid: 6 configurations x 2 seeds)"));
  CHECK(count_of(result.output, "  seed=") == 12);
  CHECK(count_of(result.output, "seed=1  model.plugin=lstm model.hidden_size=4") == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "sw"));
  // A range expands inclusively.
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep: {parameters: {training.epochs: {range: [2, 8, 3]}}}\n");
  const auto range = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(range.exit_code == 0);
  CHECK(contains(range.output, "training.epochs=2\n"));
  CHECK(contains(range.output, "training.epochs=5\n"));
  CHECK(contains(range.output, "training.epochs=8\n"));
  CHECK(count_of(range.output, "  seed=") == 3);
  // A float range is written to the precision of its start and step: 0.009, not 0.009000000000000001.
  write_file(dir / "exp.yaml",
             std::string(kTiny) + "sweep: {parameters: {optimizer.lr: {range: [0.001, 0.01, 0.001]}}}\n");
  const auto floats = run_seqlab(sweep(dir, "--dry-run"));
  INFO(floats.output);
  CHECK(floats.exit_code == 0);
  CHECK(count_of(floats.output, "  seed=") == 10);
  for (const char* v : {"optimizer.lr=0.001\n", "optimizer.lr=0.003\n", "optimizer.lr=0.009\n", "optimizer.lr=0.01\n"})
    CHECK(contains(floats.output, v));
  CHECK_FALSE(contains(floats.output, "00000001"));
  write_file(dir / "exp.yaml",
             std::string(kTiny) + "sweep: {parameters: {optimizer.lr: {range: [1.5e-3, 3e-3, 5e-4]}}}\n");
  const auto exponents = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(contains(exponents.output, "optimizer.lr=0.0015\n"));
  CHECK(contains(exponents.output, "optimizer.lr=0.0025\n"));
  CHECK(contains(exponents.output, "optimizer.lr=0.003\n"));
}

TEST_CASE("sweep --dry-run draws the random trials from the experiment's seed, deterministically") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  method: random
  trials: 5
  repeats: 2
  parameters:
    model.hidden_size: {range: [2, 4, 1]}
    optimizer.lr: {loguniform: [1e-4, 1e-1]}
)");
  const auto first = run_seqlab(sweep(dir, "--dry-run"));
  const auto second = run_seqlab(sweep(dir, "--dry-run"));
  const auto other_seed = run_seqlab(sweep(dir, "--dry-run seed=7"));
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(count_of(first.output, "  seed=") == 10);
  CHECK(first.output == second.output);
  CHECK(other_seed.exit_code == 0);
  CHECK(other_seed.output != first.output);
  CHECK(contains(other_seed.output, "seed=8  "));
}

TEST_CASE("every sweep-section mistake is reported at its file:line:col before any trial runs") {
  struct Case {
    std::string sweep, where, message;
  };
  const std::vector<Case> cases = {
      {"sweep:\n  methd: grid\n  parameters: {model.hidden_size: [2]}\n", "exp.yaml:9:3:", "did you mean 'method'"},
      {"sweep:\n  parameters:\n    model.hidden_size: []\n", "exp.yaml:10:24:", "the list is empty"},
      {"sweep:\n  parameters:\n    model.hiden_size: [2, 3]\n", "exp.yaml:10:5:", "did you mean 'hidden_size'"},
      {"sweep:\n  parameters:\n    model.hidden_size: [2, 0]\n", "exp.yaml:10:28:", "must be in [1, 65536], got 0"},
      {"sweep:\n  parameters:\n    model.plugin: [rnn, lsmt]\n", "exp.yaml:10:25:", "did you mean 'lstm'"},
      {"sweep:\n  parameters:\n    training.epochs: {range: [5, 2, 1]}\n", "exp.yaml:10:34:", "below its start"},
      {"sweep:\n  parameters:\n    training.epochs: {range: [1, 2, 0]}\n", "exp.yaml:10:37:", "step must be > 0"},
      {"sweep:\n  parameters:\n    optimizer.lr: {loguniform: [1e-4, 1e-1]}\n",
       "exp.yaml:10:20:", "a grid cannot enumerate"},
      {"sweep:\n  method: random\n  trials: 2\n  parameters:\n    optimizer.lr: {loguniform: [0, 1]}\n",
       "exp.yaml:12:33:", "bounds must be > 0"},
      {"sweep:\n  method: random\n  parameters: {model.hidden_size: [2]}\n", "exp.yaml:9:3:", "needs sweep.trials"},
  };
  for (const auto& c : cases) {
    ScratchDir dir("sweep");
    write_file(dir / "exp.yaml", std::string(kTiny) + c.sweep);
    const auto result = run_seqlab(sweep(dir, "--out '" + (dir / "sw") + "'"));
    INFO(c.sweep);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, c.where));
    CHECK(contains(result.output, c.message));
    CHECK_FALSE(std::filesystem::exists(dir / "sw"));
  }
}

TEST_CASE("seqlab run and validate ignore the sweep section") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep: {parameters: {model.hidden_size: [2, 3]}}\n");
  CHECK(run_seqlab("validate '" + (dir / "exp.yaml") + "'").exit_code == 0);
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "run") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
}

TEST_CASE("an override of a swept setting is refused at the sweep's line, not silently replaced") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep:\n  parameters:\n    model.hidden_size: [2, 3]\n");
  for (const std::string override : {"model.hidden_size=128", "model={plugin: rnn, hidden_size: 128}"}) {
    CAPTURE(override);
    const auto r = run_seqlab(sweep(dir, "--dry-run '" + override + "'"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "exp.yaml:10:5: error: sweep.parameters.model.hidden_size: is swept here"));
    CHECK(contains(r.output, "override '" + override + "' would be replaced"));
  }
  // Other settings, and the sweep itself, may be overridden.
  CHECK(run_seqlab(sweep(dir, "--dry-run optimizer.lr=0.1")).exit_code == 0);
  const auto swept = run_seqlab(sweep(dir, "--dry-run 'sweep.parameters={model.hidden_size: [5]}'"));
  CHECK(swept.exit_code == 0);
  CHECK(contains(swept.output, "model.hidden_size=5"));
}

TEST_CASE("a large sweep shows how far its validation has got") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) +
                                   "sweep:\n  parameters:\n    model.hidden_size: {range: [1, 50, 1]}\n"
                                   "    optimizer.lr: {range: [0.001, 0.02, 0.001]}\n");
  const auto r = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(r.exit_code == 0);
  CHECK(count_of(r.output, "  seed=") == 1000);
  CHECK(contains(r.output, "validating the trials: 1000/1000"));
  CHECK(contains(r.output, "validated 1000 trials"));
}
