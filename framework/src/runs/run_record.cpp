// Git state through the git command line (read-only queries), and the build's compiler.
#include "runs/run_record.hpp"

#include <cstdio>
#include <filesystem>

#include "seqlab/plugin.hpp"
#include "util/paths.hpp"

namespace seqlab {

namespace {

// The first line a shell command prints, and whether it succeeded.
bool first_line(const std::string& command, std::string& line) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return false;
  char buffer[256] = {0};
  line = std::fgets(buffer, sizeof buffer, pipe) ? buffer : "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  while (std::fgets(buffer, sizeof buffer, pipe)) {
  }
  return pclose(pipe) == 0;
}

}  // namespace

nlohmann::json git_state(const std::string& path) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(path, ec);
  if (!std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  const std::string git = "git -C " + shell_quoted(dir.string()) + " ";
  std::string commit, changes;
  if (!first_line(git + "rev-parse HEAD 2>/dev/null", commit) || commit.empty()) return nullptr;
  // Any tracked change or untracked file makes the tree dirty: the commit alone would not rebuild it.
  first_line(git + "status --porcelain 2>/dev/null", changes);
  return {{"commit", commit}, {"dirty", !changes.empty()}};
}

std::string compiler_text() { return SEQLAB_DETAIL_COMPILER; }

}  // namespace seqlab
