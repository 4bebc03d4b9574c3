// Test helpers for refused input: a small valid experiment to spoil, and the check that a refusal is clean.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"

namespace seqlab::test {

// A refusal must come this fast (Release seconds; run_seqlab scales them for sanitizer builds): bad input never hangs.
inline constexpr int kRefusalSeconds = 5;

inline const char* const kSmallExperiment = R"(name: small
seed: 0
dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 8, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 4, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01, momentum: 0.9}
training:  {epochs: 2, batch_size: 0, log_every: 1}
)";

// Writes `yaml` to a scratch file, runs `seqlab run` on it into a fresh --out
// folder, and checks that the run failed with exit code 2 within kRefusalSeconds
// (killed otherwise, which fails the check) and wrote nothing.
inline std::string expect_config_error(const std::string& yaml, const std::string& extra = "") {
  ScratchDir dir("cli");
  const std::string file = dir / "exp.yaml";
  write_file(file, yaml);
  const auto result = run_seqlab("run '" + file + "' --out '" + (dir / "out") + "' " + extra, "", kRefusalSeconds);
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  // Every message is anchored at the file (or the override) that caused it.
  return result.output;
}

inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace seqlab::test
