// `seqlab check` on the real binary: the shipped plugins pass, a wrong backward is caught.
#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"

namespace {

using seqlab::test::run_seqlab;

std::string wrong_backward_so() {
  return std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/wrong_backward/wrong_backward.so";
}

}  // namespace

TEST_CASE("seqlab check passes every shipped plugin, by name") {
  for (const char* name : {"sine", "rnn", "lstm", "gru", "mse", "adam", "sgd"}) {
    CAPTURE(name);
    const auto r = run_seqlab(std::string("check ") + name, "-u SEQLAB_PLUGIN_PATH");
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("FAIL") == std::string::npos);
    CHECK(r.output.find("passed: ") != std::string::npos);
  }
}

TEST_CASE("seqlab check catches a model whose backward has a sign error in one parameter") {
  const auto r = run_seqlab("check '" + wrong_backward_so() + "'");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAIL  gradient, target_steps = 1 [as given]: worst fc.bias[") != std::string::npos);
  CHECK(r.output.find("FAIL  gradient, target_steps = steps [as given]: worst fc.bias[") != std::string::npos);
  CHECK(r.output.find("FAILED: 4 of") != std::string::npos);  // both layouts, as given and with a batch of one
  // The right parameter is not blamed.
  CHECK(r.output.find("worst fc.weight") == std::string::npos);
}

TEST_CASE("seqlab check: bad usage and unloadable plugins exit 2") {
  const auto unknown = run_seqlab("check lsmt", "-u SEQLAB_PLUGIN_PATH");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("did you mean 'lstm'?") != std::string::npos);
  const auto missing = run_seqlab("check ./no/such/plugin.so");
  CHECK(missing.exit_code == 2);
  const auto not_plugin =
      run_seqlab("check '" + std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/no_descriptor/no_descriptor.so'");
  CHECK(not_plugin.exit_code == 2);
  CHECK(not_plugin.output.find("not a seqlab plugin") != std::string::npos);
  const auto bad_value = run_seqlab("check adam lr=abc", "-u SEQLAB_PLUGIN_PATH");
  CHECK(bad_value.exit_code == 2);
  CHECK(bad_value.output.find("lr: expected a number") != std::string::npos);
  CHECK(run_seqlab("check").exit_code == 2);
  CHECK(run_seqlab("check --help").exit_code == 0);
}

TEST_CASE("seqlab check passes a loss without separable() with a warning that says what it costs") {
  const std::string so = std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/two_pass_loss/two_pass_loss.so";
  const auto r = run_seqlab("check '" + so + "'");
  CHECK_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("warn  separable: separable() is false") != std::string::npos);
  CHECK(r.output.find("14-49% slower per epoch") != std::string::npos);
  CHECK(r.output.find("docs/plugins/loss.md") != std::string::npos);
  CHECK(r.output.find(", 1 warning\n") != std::string::npos);
  // A separable loss: its pieces are checked, and nothing is warned about.
  const auto mse = run_seqlab("check mse");
  CHECK(mse.exit_code == 0);
  CHECK(mse.output.find("ok    separable") != std::string::npos);
  CHECK(mse.output.find("warn") == std::string::npos);
}
