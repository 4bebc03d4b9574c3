// A string in a sweep's list reaches its trial as exactly that string, never re-read as YAML.
#include <doctest/doctest.h>

#include <memory>
#include <set>

#include "config/experiment_source.hpp"
#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"
#include "sweep/sweep_spec.hpp"
#include "sweep/trial_expansion.hpp"

using seqlab::ExperimentSource;
using seqlab::test::contains;
using seqlab::test::kTiny;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Strings that YAML would read differently if written bare, as the sweep list below writes them (each
// quoted in the file), in the same order.
const std::vector<std::string> kStrings = {
    "';x('",       ";x(",         "a: b",        "# c",    "  lead",     "trail ", "x # y",  "say \"hi\"",
    "tab\there",   "line\nbreak", "back\\slash", "null",   "~",          "- item", "[1, 2]", "{k: v}",
    "--- doc",     "...",         "&anchor",     "*alias", "!tag x",     "%x",     "@x",     "a, b",
    "caf\xc3\xa9", "plain words", "0.5",         "-3",     "data/x.csv", ""};

const char* const kStringSweep = R"(sweep:
  parameters:
    dataset.time_column:
      - "';x('"
      - ';x('
      - 'a: b'
      - '# c'
      - '  lead'
      - 'trail '
      - 'x # y'
      - 'say "hi"'
      - "tab\there"
      - "line\nbreak"
      - 'back\slash'
      - 'null'
      - '~'
      - '- item'
      - '[1, 2]'
      - '{k: v}'
      - '--- doc'
      - '...'
      - '&anchor'
      - '*alias'
      - '!tag x'
      - '%x'
      - '@x'
      - 'a, b'
      - 'café'
      - plain words
      - '0.5'
      - -3
      - data/x.csv
      - ''
)";

}  // namespace

TEST_CASE("each trial's override of a swept string reads back as exactly the string in the sweep list") {
  ScratchDir dir("sweep-strings");
  const std::string file = dir / "exp.yaml";
  write_file(file, std::string(kTiny) + kStringSweep);
  const ExperimentSource source(file, {});
  const seqlab::SweepSpec spec = seqlab::parse_sweep(source);
  const auto trials = seqlab::expand_trials(spec, 0);
  REQUIRE(trials.size() == kStrings.size());
  for (std::size_t i = 0; i < trials.size(); ++i) {
    CAPTURE(kStrings[i]);
    CAPTURE(trials[i].overrides[0]);
    // As the trial's own `seqlab run` reads it: the override applied to the experiment.
    const ExperimentSource trial(file, trials[i].overrides);
    const YAML::Node value = trial.root()["dataset"]["time_column"];
    REQUIRE(value.IsScalar());
    CHECK(value.Scalar() == kStrings[i]);
  }
  // Ordinary values are written as before, bare: the overrides (and so the trial ids) of existing sweeps stay.
  CHECK(trials[25].overrides[0] == "dataset.time_column=plain words");
  CHECK(trials[26].overrides[0] == "dataset.time_column=0.5");
  CHECK(trials[27].overrides[0] == "dataset.time_column=-3");
  CHECK(trials[28].overrides[0] == "dataset.time_column=data/x.csv");
  // A string inside a list value too.
  write_file(file, std::string(kTiny) + "sweep: {parameters: {dataset.columns: [[\"';x('\", 'a: b', '  c']]}}\n");
  const ExperimentSource nested_source(file, {});
  const auto nested = seqlab::expand_trials(seqlab::parse_sweep(nested_source), 0);
  REQUIRE(nested.size() == 1);
  const YAML::Node columns = ExperimentSource(file, nested[0].overrides).root()["dataset"]["columns"];
  REQUIRE(columns.IsSequence());
  REQUIRE(columns.size() == 3);
  CHECK(columns[0].Scalar() == "';x('");
  CHECK(columns[1].Scalar() == "a: b");
  CHECK(columns[2].Scalar() == "  c");
}

TEST_CASE("seqlab sweep keeps strings apart that YAML would read alike, and trains on the exact column name") {
  ScratchDir dir("sweep-strings");
  // Two columns named as YAML would misread them, each numbered rows: either can be the time column.
  std::string csv = "';x(',a: b,value\n";
  for (int row = 0; row < 60; ++row)
    csv += std::to_string(row) + "," + std::to_string(row) + "," + std::to_string((row * 7) % 11) + "\n";
  write_file(dir / "data.csv", csv);
  const std::string experiment = R"(name: strings
seed: 0
dataset:   {plugin: csv, path: data.csv, targets: [value], window: 4}
model:     {plugin: rnn, hidden_size: 2, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01}
training:  {epochs: 2, batch_size: 0, log_every: 1}
sweep:
  parameters:
    dataset.time_column: ["';x('", 'a: b']
)";
  write_file(dir / "exp.yaml", experiment);
  const auto dry = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --dry-run");
  INFO(dry.output);
  REQUIRE(dry.exit_code == 0);
  CHECK(contains(dry.output, "2 trials"));
  CHECK(contains(dry.output, "dataset.time_column=\"';x('\""));
  CHECK(contains(dry.output, "dataset.time_column=\"a: b\""));
  const auto ran = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "sw") + "'");
  INFO(ran.output);
  CHECK(ran.exit_code == 0);
  CHECK(seqlab::test::count_of(read_file(dir / "sw/summary.csv"), ",completed,") == 2);

  // Strings YAML would read as the same value (or as nothing) stay distinct trials.
  write_file(dir / "exp.yaml", experiment.substr(0, experiment.find("    dataset.time_column")) +
                                   "    dataset.time_column: [\"';x('\", ';x(', '  t', 't', 'x # y', 'x', '# c']\n");
  const auto distinct = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --dry-run");
  INFO(distinct.output);
  CHECK(distinct.exit_code == 0);
  CHECK(contains(distinct.output, "7 trials"));
}
