// Git state through the git command line (read-only queries that nothing in the repository can make run a
// program), and the build's compiler.
#include "runs/run_record.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "seqlab/plugin.hpp"

extern char** environ;

namespace seqlab {

namespace {

using Clock = std::chrono::steady_clock;

// A repository could make git block (its config including a FIFO, say): all of git_state's calls together
// get this long, then the one still running is killed and the state is not recorded.
constexpr std::chrono::seconds kGitBudget{30};
// More filter drivers than this and the status query is not made (their overrides would not fit argv).
constexpr std::size_t kMaxFilterDrivers = 256;
constexpr std::size_t kKeptOutput = 64 * 1024;  // status only needs to know whether it printed anything

// Settings that would let a repository's own config run a program during rev-parse, config or status,
// overridden on the command line (which wins over every config file): the fsmonitor command, hooks (status
// may rewrite the index, which runs post-index-change), and the untracked cache (a write into the folder).
const std::vector<std::string> kNeutralConfig = {"-c", "core.fsmonitor=false",     "-c", "core.hooksPath=/dev/null",
                                                 "-c", "core.untrackedCache=false"};

// The environment git runs with: the user's, less what would point git at another repository than the
// folder's, plus no system config, no optional index writes (status would otherwise refresh and write the
// index), no transport at all (a partial clone's missing objects would be fetched from the promisor
// remote, whose `uploadpack` is a command), no prompts, and the empty value the filter overrides read.
std::vector<std::string> git_environment() {
  static const std::set<std::string> replaced = {"GIT_DIR",
                                                 "GIT_WORK_TREE",
                                                 "GIT_INDEX_FILE",
                                                 "GIT_COMMON_DIR",
                                                 "GIT_CONFIG",
                                                 "GIT_CONFIG_NOSYSTEM",
                                                 "GIT_OPTIONAL_LOCKS",
                                                 "GIT_ALLOW_PROTOCOL",
                                                 "GIT_TERMINAL_PROMPT",
                                                 "GIT_OBJECT_DIRECTORY",
                                                 "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                                                 "SEQLAB_GIT_EMPTY",
                                                 "SEQLAB_GIT_FALSE"};
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    if (!replaced.count(entry.substr(0, entry.find('=')))) out.push_back(entry);
  }
  for (const char* entry : {"GIT_CONFIG_NOSYSTEM=1", "GIT_OPTIONAL_LOCKS=0", "GIT_ALLOW_PROTOCOL=",
                            "GIT_TERMINAL_PROMPT=0", "SEQLAB_GIT_EMPTY=", "SEQLAB_GIT_FALSE=false"})
    out.emplace_back(entry);
  return out;
}

struct GitResult {
  int exit_code = -1;  // -1: not started, killed at the deadline or by a signal
  std::string output;  // stdout, at most kKeptOutput bytes

  bool ok() const { return exit_code == 0; }
};

// Runs `git -C dir <arguments>` without a shell (the folder is one argv entry, never parsed), stdin and
// stderr /dev/null, stdout read until `deadline`; killed when it passes.
GitResult run_git(const std::string& dir, const std::vector<std::string>& arguments, Clock::time_point deadline) {
  std::vector<std::string> args = {"git", "--no-pager", "-C", dir};
  args.insert(args.end(), kNeutralConfig.begin(), kNeutralConfig.end());
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment = git_environment();
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  GitResult result;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {  // git not installed (or the arguments too long): no state, nothing ran
    close(out[0]);
    return result;
  }
  bool finished = false;
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{out[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      finished = n == 0;
      break;
    }
    if (result.output.size() < kKeptOutput) result.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  if (!finished) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (finished && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

bool is_object_name(const std::string& text) {
  if (text.size() != 40 && text.size() != 64) return false;  // sha1 or sha256 repositories
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The names of every filter driver any config file in effect defines (`filter.<name>.clean|smudge|process`),
// as `git config -z` prints them: "key\nvalue\0" per entry. Reading config runs nothing. False when git
// could not say (then status is not run at all).
bool filter_drivers(const std::string& dir, Clock::time_point deadline, std::set<std::string>& names) {
  const GitResult r = run_git(dir, {"config", "-z", "--get-regexp", "^filter\\."}, deadline);
  if (r.exit_code == 1 && r.output.empty()) return true;  // no filter configured
  if (!r.ok() || r.output.size() >= kKeptOutput) return false;
  std::size_t at = 0;
  while (at < r.output.size()) {
    std::size_t end = r.output.find('\0', at);
    if (end == std::string::npos) end = r.output.size();
    const std::string entry = r.output.substr(at, end - at);
    const std::string key = entry.substr(0, entry.find('\n'));
    const std::size_t first = key.find('.'), last = key.rfind('.');
    if (first != last) names.insert(key.substr(first + 1, last - first - 1));  // filter.<name>.<variable>
    at = end + 1;
  }
  return names.size() <= kMaxFilterDrivers;
}

}  // namespace

nlohmann::json git_state(const std::string& path) {
  const Clock::time_point deadline = Clock::now() + kGitBudget;
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(path, ec);
  if (!std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  const GitResult head = run_git(dir.string(), {"rev-parse", "HEAD"}, deadline);
  const std::string commit = head.output.substr(0, head.output.find('\n'));
  if (!head.ok() || !is_object_name(commit)) return nullptr;
  // A clean filter runs on any tracked file whose stat data changed: every driver's commands are emptied
  // (an empty command is no filter) and none is required. --config-env, not -c: a driver's name may hold
  // '=', and --config-env splits at the last one.
  std::set<std::string> drivers;
  nlohmann::json dirty = nullptr;  // unknown, unless status could run safely and finished
  if (filter_drivers(dir.string(), deadline, drivers)) {
    std::vector<std::string> status;
    for (const std::string& name : drivers) {
      for (const char* variable : {"clean", "smudge", "process"})
        status.push_back("--config-env=filter." + name + "." + variable + "=SEQLAB_GIT_EMPTY");
      status.push_back("--config-env=filter." + name + ".required=SEQLAB_GIT_FALSE");
    }
    // Submodules are not entered: each would be another repository with its own config.
    for (const char* a : {"status", "--porcelain", "--ignore-submodules=all"}) status.emplace_back(a);
    const GitResult changes = run_git(dir.string(), status, deadline);
    // Any tracked change or untracked file makes the tree dirty: the commit alone would not rebuild it.
    if (changes.ok()) dirty = !changes.output.empty();
  }
  return {{"commit", commit}, {"dirty", dirty}};
}

std::string compiler_text() { return SEQLAB_DETAIL_COMPILER; }

}  // namespace seqlab
