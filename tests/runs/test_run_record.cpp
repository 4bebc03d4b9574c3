// git_state and the commands that record it: a repository's own config, hooks and remotes never run a program.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runs/run_record.hpp"
#include "support/prerequisite.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::git_state;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

// `git ARGS` in `repo`, as a user's own shell would run it (the repository's config in effect).
seqlab::test::ProcessResult git(const std::string& repo, const std::string& args) {
  return run_shell("GIT_CONFIG_NOSYSTEM=1 git -C '" + repo +
                   "' -c user.name=test -c user.email=test@example.com -c init.defaultBranch=main " + args);
}

// A repository at dir/repo with one committed file, f.txt (and .gitattributes when given).
std::string committed_repo(const ScratchDir& dir, const std::string& attributes = "") {
  const std::string repo = dir / "repo";
  fs::create_directories(repo);
  REQUIRE(git(repo, "init -q").exit_code == 0);
  write_file(repo + "/f.txt", "hello\n");
  if (!attributes.empty()) write_file(repo + "/.gitattributes", attributes);
  REQUIRE(git(repo, "add -A").exit_code == 0);
  REQUIRE(git(repo, "commit -q -m first").exit_code == 0);
  return repo;
}

bool have_git() {
  if (run_shell("git --version").exit_code == 0) return true;
  seqlab::test::missing_prerequisite("git", "apt-get install git");
  return false;
}

std::string head_of(const std::string& repo) {
  std::string head = git(repo, "rev-parse HEAD").output;
  return head.substr(0, head.find('\n'));
}

// Changes f.txt's stat data, not its content, so that status must hash it again (through any clean filter).
void touch_stat(const std::string& repo, const std::string& date) {
  REQUIRE(run_shell("touch -d '" + date + "' '" + repo + "/f.txt'").exit_code == 0);
}

}  // namespace

TEST_CASE("git_state records a checkout's commit and whether it is dirty") {
  if (!have_git()) return;
  ScratchDir dir("git-state");
  const std::string repo = committed_repo(dir);
  const auto clean = git_state(repo + "/f.txt");
  INFO(clean.dump());
  REQUIRE(clean.is_object());
  CHECK(clean["commit"] == head_of(repo));
  CHECK(clean["dirty"] == false);
  write_file(repo + "/f.txt", "changed\n");
  CHECK(git_state(repo)["dirty"] == true);
  REQUIRE(git(repo, "checkout -q -- f.txt").exit_code == 0);
  CHECK(git_state(repo)["dirty"] == false);
  write_file(repo + "/new.txt", "untracked\n");
  CHECK(git_state(repo)["dirty"] == true);
  // A folder in no checkout has no state; a folder whose name a shell would misread is one argument.
  CHECK(git_state(dir.path()).is_null());
  const std::string odd = dir / "it's $(touch marker) `x`";
  fs::create_directories(odd);
  CHECK(git_state(odd).is_null());
  CHECK_FALSE(fs::exists(dir / "marker"));
}

TEST_CASE("git_state runs no fsmonitor command a repository plants") {
  if (!have_git()) return;
  ScratchDir dir("git-fsmonitor");
  const std::string repo = committed_repo(dir);
  const std::string marker = dir / "fsmonitor-ran";
  REQUIRE(git(repo, "config core.fsmonitor \"touch '" + marker + "'; echo\"").exit_code == 0);
  // The plant works: git's own status runs it.
  git(repo, "status --porcelain");
  REQUIRE(fs::exists(marker));
  fs::remove(marker);
  const auto state = git_state(repo);
  INFO(state.dump());
  CHECK_FALSE(fs::exists(marker));
  CHECK(state["commit"] == head_of(repo));
  CHECK(state["dirty"] == false);
}

TEST_CASE("git_state runs no clean or process filter a repository plants, whatever the driver is called") {
  if (!have_git()) return;
  // A driver name with '=' and '.' in it: an override by -c would split it at the wrong '='.
  for (const std::string driver : {"evil", "ev=il.x"})
    for (const std::string variable : {"clean", "process"}) {
      CAPTURE(driver);
      CAPTURE(variable);
      ScratchDir dir("git-filter");
      const std::string repo = committed_repo(dir, "*.txt filter=" + driver + "\n");
      const std::string marker = dir / "filter-ran";
      REQUIRE(git(repo, "config 'filter." + driver + "." + variable + "' \"sh -c 'touch " + marker + "; cat'\"")
                  .exit_code == 0);
      REQUIRE(git(repo, "config 'filter." + driver + ".required' true").exit_code == 0);
      touch_stat(repo, "2001-02-03 04:05:06");
      git(repo, "status --porcelain");
      REQUIRE(fs::exists(marker));  // git's own status ran it to hash the touched file
      fs::remove(marker);
      touch_stat(repo, "2002-03-04 05:06:07");
      const auto state = git_state(repo);
      INFO(state.dump());
      CHECK_FALSE(fs::exists(marker));
      CHECK(state["commit"] == head_of(repo));
      CHECK(state["dirty"] == false);  // the content is what was committed
    }
}

TEST_CASE("git_state runs no hook: status does not rewrite the index") {
  if (!have_git()) return;
  ScratchDir dir("git-hook");
  const std::string repo = committed_repo(dir);
  const std::string marker = dir / "hook-ran";
  write_file(repo + "/.git/hooks/post-index-change", "#!/bin/sh\ntouch '" + marker + "'\n");
  fs::permissions(repo + "/.git/hooks/post-index-change", fs::perms::owner_exec, fs::perm_options::add);
  touch_stat(repo, "2001-02-03 04:05:06");
  git(repo, "status --porcelain");
  REQUIRE(fs::exists(marker));  // git's own status refreshed the index and ran the hook
  fs::remove(marker);
  touch_stat(repo, "2002-03-04 05:06:07");
  const auto index_before = read_file(repo + "/.git/index");
  CHECK(git_state(repo)["dirty"] == false);
  CHECK_FALSE(fs::exists(marker));
  CHECK(read_file(repo + "/.git/index") == index_before);  // nothing written into the folder
}

TEST_CASE("git_state fetches nothing for a partial clone, whose promisor remote's uploadpack is a command") {
  if (!have_git()) return;
  ScratchDir dir("git-promisor");
  const std::string source = committed_repo(dir);
  REQUIRE(git(source, "config uploadpack.allowFilter true").exit_code == 0);
  const std::string clone = dir / "clone";
  const auto cloned = run_shell("GIT_CONFIG_NOSYSTEM=1 git clone -q --no-checkout --filter=tree:0 'file://" + source +
                                "' '" + clone + "'");
  INFO(cloned.output);
  REQUIRE(cloned.exit_code == 0);
  const std::string marker = dir / "uploadpack-ran";
  REQUIRE(git(clone, "config remote.origin.uploadpack \"sh -c 'touch " + marker +
                         "; exec git-upload-pack \\\"\\$@\\\"' upload\"")
              .exit_code == 0);
  REQUIRE(git(clone, "config protocol.file.allow always").exit_code == 0);
  const auto state = git_state(clone);
  INFO(state.dump());
  CHECK_FALSE(fs::exists(marker));
  CHECK(state["commit"] == head_of(source));
  CHECK(state["dirty"].is_null());  // status needed the missing trees: unknown, not "clean"
  git(clone, "status --porcelain");
  CHECK(fs::exists(marker));  // git's own status would have fetched them through the command
}

TEST_CASE("run, resume and reproduce of an experiment in a planted repository run none of its commands") {
  if (!have_git()) return;
  ScratchDir dir("git-commands");
  const std::string repo = dir / "repo";
  fs::create_directories(repo);
  REQUIRE(git(repo, "init -q").exit_code == 0);
  write_file(repo + "/exp.yaml", seqlab::test::kSmallExperiment);
  write_file(repo + "/.gitattributes", "*.yaml filter=evil\n");
  REQUIRE(git(repo, "add -A").exit_code == 0);
  REQUIRE(git(repo, "commit -q -m first").exit_code == 0);
  const std::string marker = dir / "ran";
  REQUIRE(git(repo, "config core.fsmonitor \"touch '" + marker + "'; echo\"").exit_code == 0);
  REQUIRE(git(repo, "config filter.evil.clean \"sh -c 'touch " + marker + "; cat'\"").exit_code == 0);
  write_file(repo + "/.git/hooks/post-index-change", "#!/bin/sh\ntouch '" + marker + "'\n");
  fs::permissions(repo + "/.git/hooks/post-index-change", fs::perms::owner_exec, fs::perm_options::add);
  touch_stat(repo, "2001-02-03 04:05:06");
  const std::string touch_yaml = "touch -d '2002-03-04 05:06:07' '" + repo + "/exp.yaml'";

  REQUIRE(run_shell(touch_yaml).exit_code == 0);
  const auto run = run_seqlab("run '" + repo + "/exp.yaml' --out '" + repo + "/run' --no-plots");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK_FALSE(fs::exists(marker));
  const auto summary = nlohmann::json::parse(read_file(repo + "/run/summary.json"));
  CHECK(summary["experiment_git"]["commit"] == head_of(repo));

  REQUIRE(run_shell(touch_yaml).exit_code == 0);
  const auto resumed = run_seqlab("resume '" + repo + "/run' --epochs 3");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK_FALSE(fs::exists(marker));

  REQUIRE(run_shell(touch_yaml).exit_code == 0);
  const auto again = run_seqlab("reproduce '" + repo + "/run' --out '" + (dir / "again") + "'");
  INFO(again.output);
  CHECK(fs::exists(dir / "again/summary.json"));
  CHECK_FALSE(fs::exists(marker));
  // The plants are live: git's own status runs them.
  REQUIRE(run_shell(touch_yaml).exit_code == 0);
  git(repo, "status --porcelain");
  CHECK(fs::exists(marker));
}
