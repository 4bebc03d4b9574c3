// The inputs an attacker or a careless user tried (issue: "Hardened"): each refused with exit 2, a sentence naming the
// setting or the file position, within 5 seconds, before anything is written.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::kRefusalSeconds;
using seqlab::test::kSmallExperiment;
using seqlab::test::replaced;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// The small experiment with `line` added at the end.
std::string with_line(const std::string& line) { return std::string(kSmallExperiment) + line + "\n"; }

}  // namespace

TEST_CASE("YAML aliases that contain themselves are refused, not followed until the stack overflows") {
  SUBCASE("a list holding itself") {
    const auto out = expect_config_error("a: &a [*a]\n");
    CHECK(contains(out, "exp.yaml:1:4: error: a: a YAML alias (*name) refers to a value that contains it"));
  }
  SUBCASE("a section holding itself") {
    const auto out = expect_config_error(
        replaced(kSmallExperiment, "dataset:   {plugin: sine,", "dataset:   &d {x: *d, plugin: sine,"));
    CHECK(contains(out, "dataset.x: a YAML alias (*name) refers to a value that contains it"));
  }
  SUBCASE("in an override") {
    const auto out = expect_config_error(kSmallExperiment, "'dataset.x=&a [*a]'");
    CHECK(contains(out, "command line override 'dataset.x=&a [*a]': error: dataset.x: a YAML alias"));
  }
}

TEST_CASE("a billion laughs of nested aliases is refused at once") {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += (k ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  const auto out = expect_config_error(std::string(kSmallExperiment) + yaml);
  CHECK(contains(out, "more than 100000 values once its YAML aliases (*name) are expanded"));
}

TEST_CASE("sizes whose product would overflow an allocation are refused by their bounds") {
  SUBCASE("num_samples 2^62") {
    const auto out = expect_config_error(kSmallExperiment, "dataset.num_samples=4611686018427387904");
    CHECK(contains(out, "dataset.num_samples: must be in [1, 100000000], got 4611686018427387904"));
  }
  SUBCASE("num_samples and seq_length 2^31 with every step predicted") {
    const auto out = expect_config_error(kSmallExperiment,
                                         "dataset.num_samples=2147483648 dataset.seq_length=2147483648 "
                                         "dataset.target=sequence model.head=sequence");
    CHECK(contains(out, "dataset.num_samples: must be in [1, 100000000]"));
  }
  SUBCASE("hidden_size 2e9 names the setting") {
    const auto out = expect_config_error(kSmallExperiment, "model.hidden_size=2000000000");
    CHECK(contains(out, "model.hidden_size: must be in [1, 65536], got 2000000000"));
  }
}

TEST_CASE("integers beyond what the runner uses are refused, not truncated") {
  SUBCASE("threads 100000") {
    const auto out = expect_config_error(kSmallExperiment, "training.threads=100000");
    CHECK(contains(out, "training.threads: must be in [1, "));
    CHECK(contains(out, "at most 4 x the cores this process may use"));
  }
  SUBCASE("--threads 100000") {
    const auto out = expect_config_error(kSmallExperiment, "--threads 100000");
    CHECK(contains(out, "training.threads: must be in [1, "));
  }
  SUBCASE("epochs 2^32 + 2, which an int would read as 2") {
    const auto out = expect_config_error(kSmallExperiment, "training.epochs=4294967298");
    CHECK(contains(out, "training.epochs: must be in [1, 2147483647], got 4294967298"));
  }
  SUBCASE("epochs 2^31") {
    const auto out = expect_config_error(kSmallExperiment, "training.epochs=2147483648");
    CHECK(contains(out, "training.epochs: must be in [1, 2147483647], got 2147483648"));
  }
  SUBCASE("a number no integer type holds") {
    const auto out = expect_config_error(kSmallExperiment, "seed=99999999999999999999999");
    CHECK(contains(out, "seed: must be in [0, 9007199254740991], got 99999999999999999999999"));
  }
}

TEST_CASE("a run's name is one folder name: it cannot lead out of runs/") {
  for (const std::string name : {"../../../tmp/x", "/tmp/x", "a/b", ".."}) {
    CAPTURE(name);
    const auto out = expect_config_error(kSmallExperiment, "'name=" + name + "'");
    CHECK(contains(out, "name: the run's name '" + name + "'"));
  }
  const auto out = expect_config_error(replaced(kSmallExperiment, "name: small", "name: \"a\\tb\""));
  CHECK(contains(out, "exp.yaml:1:1: error: name: the run's name"));
  CHECK(contains(out, "contains a control character"));
}

TEST_CASE("text that is not UTF-8 is refused before anything is written") {
  auto out = expect_config_error(replaced(kSmallExperiment, "name: small",
                                          "name: sm\xff"
                                          "all"));
  CHECK(contains(out, "exp.yaml:1:1: error: name: is not valid UTF-8 text"));
  // Any text setting, not only the name (whose own check would refuse it anyway): a plugin's text and list of texts.
  const std::string csv = "dataset:   {plugin: csv, path: data.csv, ";
  const std::string sine =
      "dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 8, shift: 0.1, target: last}";
  out = expect_config_error(replaced(kSmallExperiment, sine, csv + "time_column: \"t\xff\"}"));
  CHECK(contains(out, "exp.yaml:3:42: error: dataset.time_column: is not valid UTF-8 text"));
  out = expect_config_error(replaced(kSmallExperiment, sine, csv + "columns: [a, \"b\xff\"]}"));
  CHECK(contains(out, "exp.yaml:3:42: error: dataset.columns: is not valid UTF-8 text"));
}

TEST_CASE("plugin_dirs is checked on the real path: a symbolic link cannot bring in code from elsewhere") {
  ScratchDir elsewhere("elsewhere");
  ScratchDir dir("cli");
  std::filesystem::create_directory_symlink(elsewhere.path(), dir / "link");
  std::filesystem::create_directory(dir / "real");
  write_file(dir / "exp.yaml", with_line("plugin_dirs: [link]"));
  auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --out '" + (dir / "out") + "'", "", kRefusalSeconds);
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "exp.yaml:8:1: error: plugin_dirs: 'link' leads to "));
  CHECK(contains(result.output, "outside the experiment's folder"));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  // A real folder below the experiment is still fine.
  write_file(dir / "exp.yaml", with_line("plugin_dirs: [real]"));
  result = run_seqlab("validate '" + (dir / "exp.yaml") + "'", "", kRefusalSeconds);
  CHECK(result.exit_code == 0);
}

TEST_CASE("YAML that yaml-cpp accepts but seqlab would misread is refused") {
  SUBCASE("a custom tag") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "seed: 0", "seed: !custom 4"));
    CHECK(contains(out, "exp.yaml:2:7: error: seed: YAML tag '!custom' is not supported"));
  }
  SUBCASE("a second document") {
    const auto out = expect_config_error(with_line("---\nseed: 3"));
    CHECK(contains(out, "exp.yaml:8:1: error: a second YAML document"));
  }
  SUBCASE("a duplicate key inside an override's mapping") {
    const auto out = expect_config_error(kSmallExperiment, "'model={plugin: rnn, hidden_size: 3, hidden_size: 4}'");
    CHECK(contains(out, "model.hidden_size: duplicate key 'hidden_size' (given twice)"));
  }
  SUBCASE("a number float32 cannot hold") {
    const auto out = expect_config_error(kSmallExperiment, "optimizer.lr=4e-320");
    CHECK(contains(out, "optimizer.lr: '4e-320' is out of range"));
    CHECK(contains(out, "the range of a float32"));
    // Too large for a double too (strtod gives infinity), in the file: at the value's line and column.
    const auto huge = expect_config_error(replaced(kSmallExperiment, "lr: 0.01", "lr: 1e400"));
    CHECK(contains(huge, "exp.yaml:6:26: error: optimizer.lr: '1e400' is out of range"));
    CHECK(contains(huge, "the range of a float32"));
  }
  SUBCASE("brackets nested 600 deep") {
    const auto out = expect_config_error(with_line("deep: " + std::string(600, '[') + std::string(600, ']')));
    CHECK(contains(out, "exp.yaml:8:71: error: nested more than 64 levels deep"));
    CHECK_FALSE(contains(out, "bad file"));
  }
}

TEST_CASE("text yaml-cpp 0.7's LoadAll never returns on (a leading comma) is refused at once") {
  auto out = expect_config_error(",");
  CHECK(contains(out, "exp.yaml: error: the experiment file holds no YAML value"));
  out = expect_config_error(kSmallExperiment, "'seed=,'");
  CHECK(contains(out, "command line override 'seed=,': error: seed: the value is empty"));
}

TEST_CASE("an experiment path that is not a file is refused with what it is") {
  ScratchDir dir("cli");
  auto result = run_seqlab("run '" + dir.path() + "' --out '" + (dir / "out") + "'", "", kRefusalSeconds);
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "is a folder, not an experiment file"));
  result = run_seqlab("validate /dev/zero", "", kRefusalSeconds);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "/dev/zero: error: is not a regular file"));
}
