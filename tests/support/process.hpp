// Test helpers: run the real seqlab binary, make scratch folders, read files.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace seqlab::test {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing both output streams.
inline ProcessResult run_shell(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// Sanitizer builds run several times slower: every time limit a test sets is its Release figure times this
// whole number, which ctest passes to each test (SEQLAB_TEST_TIMEOUT_SCALE, tests/CMakeLists.txt).
inline int timeout_scale() {
  const char* scale = std::getenv("SEQLAB_TEST_TIMEOUT_SCALE");
  const int n = scale ? std::atoi(scale) : 1;
  return n > 1 ? n : 1;
}

// Runs build/bin/seqlab with `arguments` (a shell-quoted string) from the source
// tree, with `environment` ("NAME=value ...") set for it alone; with `seconds`
// (Release seconds, scaled by timeout_scale()), SIGKILLed after that long (exit code 137).
inline ProcessResult run_seqlab(const std::string& arguments, const std::string& environment = "", int seconds = 0) {
  const std::string limit = seconds > 0 ? "timeout -s KILL " + std::to_string(seconds * timeout_scale()) + " " : "";
  return run_shell(std::string("cd '") + SEQLAB_TEST_SOURCE_DIR + "' && env " + environment + " " + limit + "'" +
                   SEQLAB_TEST_BINARY + "' " + arguments);
}

// A fresh empty folder, removed when the object goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& label) {
    std::string pattern = (std::filesystem::temp_directory_path() / ("seqlab-" + label + "-XXXXXX")).string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// How many times `part` occurs in `text` (overlaps included).
inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A sweep of three trials of a few milliseconds each (a tiny rnn, three epochs), over optimizer.lr.
inline const char* const kTinyLrSweep = R"(name: tiny
seed: 0
dataset:   {plugin: sine, num_samples: 20, val_samples: 5, seq_length: 5, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 2, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: sgd, lr: 0.01}
training:  {epochs: 3, batch_size: 0, log_every: 1}
sweep:
  parameters:
    optimizer.lr: [0.001, 0.01, 0.1]
)";

// The experiment file of the seed workload, for tests that edit it.
inline std::string experiment_path(const std::string& name) {
  return std::string(SEQLAB_TEST_SOURCE_DIR) + "/experiments/" + name;
}

}  // namespace seqlab::test
