// The small experiment the sweep tests share, and helpers to read what a sweep prints and writes.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace seqlab::test {

// Seven lines; the sweep section starts on line 8.
inline const char* const kTiny = R"(name: tiny
seed: 0
dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 5, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 2, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01}
training:  {epochs: 3, batch_size: 0, log_every: 1}
)";

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

// summary.csv without its last two columns, seconds and run_folder: what two sweeps of the same trials share.
inline std::string without_folders(const std::string& csv) {
  std::string out;
  for (const auto& line : lines_of(csv)) {
    const std::string without_folder = line.substr(0, line.rfind(','));
    out += without_folder.substr(0, without_folder.rfind(',')) + "\n";
  }
  return out;
}

// `seqlab sweep` of dir/exp.yaml with `arguments`, for run_seqlab.
inline std::string sweep(const ScratchDir& dir, const std::string& arguments) {
  return "sweep '" + (dir / "exp.yaml") + "' " + arguments;
}

}  // namespace seqlab::test
