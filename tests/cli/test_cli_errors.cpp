// Bad input gets a clear error naming file:line:col (or the override) and the path, exit code 2, no run folder.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <utility>

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

TEST_CASE("a valid small experiment passes validate") {
  ScratchDir dir("cli");
  write_file(dir / "exp.yaml", kSmallExperiment);
  const auto result = run_seqlab("validate '" + (dir / "exp.yaml") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "ok"));
}

TEST_CASE("YAML syntax error names file, line and column") {
  const auto out = expect_config_error(replaced(kSmallExperiment, "{plugin: mse}", "{plugin: mse"));
  CHECK(contains(out, "exp.yaml:"));
  CHECK(contains(out, "YAML syntax error"));
}

TEST_CASE("a missing experiment file is named") {
  const auto result = run_seqlab("run /nonexistent/exp.yaml");
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "/nonexistent/exp.yaml"));
  CHECK(contains(result.output, "cannot open"));
}

TEST_CASE("an unknown plugin lists the known ones and suggests the closest") {
  const auto out = expect_config_error(replaced(kSmallExperiment, "plugin: rnn", "plugin: lsmt"));
  CHECK(contains(out, "exp.yaml:4:"));
  CHECK(contains(out, "model.plugin"));
  CHECK(contains(out, "known: "));
  CHECK(contains(out, "rnn"));
  CHECK(contains(out, "did you mean 'lstm'"));
}

TEST_CASE("an unknown key suggests the intended one") {
  const auto out = expect_config_error(replaced(kSmallExperiment, "momentum: 0.9", "momentm: 0.9"));
  CHECK(contains(out, "exp.yaml:6:"));
  CHECK(contains(out, "optimizer.momentm"));
  CHECK(contains(out, "did you mean 'momentum'"));
}

TEST_CASE("wrong types and out-of-range values are refused with the parameter path") {
  SUBCASE("negative epochs") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "epochs: 2", "epochs: -3"));
    CHECK(contains(out, "exp.yaml:7:"));
    CHECK(contains(out, "training.epochs"));
    CHECK(contains(out, ">= 1"));
  }
  SUBCASE("a learning rate that is not a number") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "lr: 0.01", "lr: abc"));
    CHECK(contains(out, "optimizer.lr"));
    CHECK(contains(out, "expected a number, got 'abc'"));
  }
  SUBCASE("zero hidden units") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "hidden_size: 4", "hidden_size: 0"));
    CHECK(contains(out, "model.hidden_size"));
    CHECK(contains(out, "in [1, 65536]"));
  }
  SUBCASE("validate_every of 0 or not a whole number") {
    for (const auto& bad : {std::pair{"0", ">= 1, got 0"}, std::pair{"2.5", "expected an integer"}}) {
      const std::string value = bad.first, why = bad.second;
      CAPTURE(value);
      const auto out = expect_config_error(
          replaced(kSmallExperiment, "log_every: 1}", "log_every: 1, validate_every: " + value + "}"));
      CHECK(contains(out, "exp.yaml:7:"));
      CHECK(contains(out, "training.validate_every"));
      CHECK(contains(out, why));
    }
    const auto word = expect_config_error(kSmallExperiment, "training.validate_every=often");
    CHECK(contains(word, "override 'training.validate_every=often'"));
    CHECK(contains(word, "expected an integer"));
  }
  SUBCASE("a fractional integer") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "num_layers: 1", "num_layers: 1.5"));
    CHECK(contains(out, "model.num_layers"));
    CHECK(contains(out, "expected an integer"));
  }
}

TEST_CASE("a duplicate key is an error, not a silent choice") {
  const auto out = expect_config_error(replaced(kSmallExperiment, "{plugin: mse}", "{plugin: mse, plugin: mse}"));
  CHECK(contains(out, "exp.yaml:5:"));
  CHECK(contains(out, "duplicate key 'plugin'"));
}

TEST_CASE("overrides are validated like the file and named in the error") {
  SUBCASE("malformed") {
    const auto out = expect_config_error(kSmallExperiment, "optimizer.lr");
    CHECK(contains(out, "override 'optimizer.lr'"));
  }
  SUBCASE("bad value") {
    const auto out = expect_config_error(kSmallExperiment, "optimizer.lr=abc");
    CHECK(contains(out, "override 'optimizer.lr=abc'"));
    CHECK(contains(out, "expected a number"));
  }
  SUBCASE("unknown path") {
    const auto out = expect_config_error(kSmallExperiment, "optimizr.lr=0.1");
    CHECK(contains(out, "override 'optimizr.lr=0.1'"));
    CHECK(contains(out, "did you mean 'optimizer'"));
  }
}

TEST_CASE("a dataset/model shape mismatch is caught before training") {
  SUBCASE("sequence targets, last-step head") {
    std::string yaml = replaced(kSmallExperiment, "target: last", "target: sequence");
    yaml = replaced(yaml, "num_layers: 1", "num_layers: 1, head: last");
    const auto out = expect_config_error(yaml);
    CHECK(contains(out, "model.head"));
    CHECK(contains(out, "8 target step"));
  }
  SUBCASE("an explicit input size that disagrees with the data") {
    const auto out = expect_config_error(replaced(kSmallExperiment, "num_layers: 1", "num_layers: 1, input_size: 3"));
    CHECK(contains(out, "model.input_size"));
    CHECK(contains(out, "dataset gives 1"));
  }
}

TEST_CASE("an --out folder that holds files is never overwritten") {
  ScratchDir dir("cli");
  write_file(dir / "exp.yaml", kSmallExperiment);
  std::filesystem::create_directories(dir / "out");
  write_file(dir / "out/keep.txt", "precious");
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --out '" + (dir / "out") + "'");
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "not empty"));
  CHECK(seqlab::test::read_file(dir / "out/keep.txt") == "precious");
}

TEST_CASE("bad command-line usage exits with code 2") {
  const auto no_experiment = run_seqlab("run");
  CHECK(no_experiment.exit_code == 2);
  CHECK(contains(no_experiment.output, "experiment is required"));
  CHECK(run_seqlab("frobnicate").exit_code == 2);
  // An experiment that exists, so the exit comes from --threads alone, and nothing is written.
  ScratchDir dir("cli");
  const auto zero_threads =
      run_seqlab("run experiments/sine_rnn.yaml --threads 0 --out '" + (dir / "out") + "'", "", kRefusalSeconds);
  INFO(zero_threads.output);
  CHECK(zero_threads.exit_code == 2);
  CHECK(contains(zero_threads.output, "--threads"));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  CHECK(run_seqlab("--help").exit_code == 0);
  CHECK(run_seqlab("run --help").exit_code == 0);
}

TEST_CASE("a diverging run stops at once with exit code 1 and keeps its metrics") {
  ScratchDir dir("cli");
  write_file(dir / "exp.yaml", replaced(replaced(kSmallExperiment, "lr: 0.01", "lr: 1e30"), "epochs: 2", "epochs: 50"));
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --out '" + (dir / "out") + "' --no-plots");
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.output, "the gradient exploded at epoch 2"));
  const std::string metrics = seqlab::test::read_file(dir / "out/metrics.csv");
  CHECK(metrics.rfind("epoch,train_loss,val_loss,lr,grad_norm,seconds\n", 0) == 0);
  CHECK(contains(seqlab::test::read_file(dir / "out/summary.json"), "\"diverged\""));
}

TEST_CASE("plugin files that cannot be used are refused with what to do") {
  const std::string bad = SEQLAB_TEST_BAD_PLUGIN_DIR;
  SUBCASE("not a shared library") {
    ScratchDir dir("plugins");
    write_file(dir / "junk.so", "this is text, not ELF");
    const auto result = run_seqlab("plugins --plugin-dir '" + dir.path() + "'");
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "junk.so"));
    CHECK(contains(result.output, "not a loadable shared library"));
  }
  SUBCASE("no descriptor") {
    const auto result = run_seqlab("plugins --plugin-dir '" + bad + "/no_descriptor'");
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "no_descriptor.so"));
    CHECK(contains(result.output, "not a seqlab plugin"));
  }
  SUBCASE("another API version") {
    const auto result = run_seqlab("validate experiments/sine_rnn.yaml --plugin-dir '" + bad + "/wrong_api'");
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "wrong_api.so"));
    CHECK(contains(result.output, "API version"));
    CHECK(contains(result.output, "rebuild"));
  }
  SUBCASE("two plugins with one name, used") {
    ScratchDir dir("plugins");
    // Two in the user's folders (one alone would override the shipped sine; tests/host/test_plugin_name_clash.cpp).
    std::filesystem::copy_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/sine.so", dir / "sine.so");
    std::filesystem::copy_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/sine.so", dir / "sine_copy.so");
    const auto result = run_seqlab("validate experiments/sine_rnn.yaml --plugin-dir '" + dir.path() + "'");
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "two dataset plugins are named 'sine'"));
    CHECK(contains(result.output, "sine_copy.so"));
  }
  SUBCASE("a missing plugin folder") {
    const auto result = run_seqlab("plugins --plugin-dir /nonexistent/plugins");
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "/nonexistent/plugins"));
  }
}
