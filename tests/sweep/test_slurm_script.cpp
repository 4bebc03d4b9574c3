// `sweep --emit-slurm`: no path or value the user gives can put a command into the job script.
#include <doctest/doctest.h>

#include <filesystem>
#include <iterator>

#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::kTiny;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

const std::string kSweep = "sweep: {parameters: {model.hidden_size: [2, 3, 4]}}\n";

}  // namespace

TEST_CASE("--emit-slurm refuses a path or value with a newline, naming it, and writes no script") {
  ScratchDir dir("slurm-newline");
  // The line the shell would run if the path ended a comment line of the script (no '/': it is in file names).
  const std::string injected = "\ntouch injected\n";
  write_file(dir / "exp.yaml", std::string(kTiny) + kSweep);
  const std::string odd_experiment = dir / ("exp" + injected + ".yaml");
  write_file(odd_experiment, std::string(kTiny) + kSweep);
  const std::string odd_plugins = dir / ("plugins" + injected);
  fs::create_directories(odd_plugins);
  const std::string script = dir / "job.sh";
  const std::string out = "--out '" + (dir / "sw") + "'";

  struct Case {
    const char* what;
    std::string arguments;
    std::string script;  // the file that must not appear
  };
  const Case cases[] = {
      {"the experiment", "sweep '" + odd_experiment + "' --emit-slurm '" + script + "' " + out, script},
      {"--out",
       "sweep '" + (dir / "exp.yaml") + "' --emit-slurm '" + script + "' --out '" + (dir / "sw") + injected + "'",
       script},
      {"--plugin-dir",
       "sweep '" + (dir / "exp.yaml") + "' --emit-slurm '" + script + "' " + out + " --plugin-dir '" + odd_plugins +
           "'",
       script},
      {"an override",
       "sweep '" + (dir / "exp.yaml") + "' --emit-slurm '" + script + "' " + out + " 'training.epochs=3" + injected +
           "'",
       script},
      {"--emit-slurm", "sweep '" + (dir / "exp.yaml") + "' --emit-slurm '" + script + injected + "' " + out,
       script + injected},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const auto result = run_seqlab(c.arguments);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK_FALSE(fs::exists(c.script));
    CHECK_FALSE(fs::exists(dir / "sw"));
  }
  // Nothing else was made either: only the three files and folders of the setup are there.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 3);
  // The paths only --emit-slurm checks are named, the newline shown as \n (one line, no look-alike output),
  // with what is wrong. (An override with a newline is not key.path=value: the override parser refuses it.)
  const std::string shown = "\\ntouch injected\\n";
  const auto experiment_refused = run_seqlab(cases[0].arguments);
  CHECK(contains(experiment_refused.output, (dir / "exp") + shown +
                                                ".yaml: error: the experiment's path holds a "
                                                "control character"));
  const auto out_refused = run_seqlab(cases[1].arguments);
  CHECK(contains(out_refused.output, "command line option '--out " + (dir / "sw") + shown + "'"));
  CHECK(contains(out_refused.output, "the sweep folder's path holds a control character"));
  const auto plugins_refused = run_seqlab(cases[2].arguments);
  CHECK(contains(plugins_refused.output, "command line option '--plugin-dir " + (dir / "plugins") + shown + "'"));
  const auto script_refused = run_seqlab(cases[4].arguments);
  CHECK(contains(script_refused.output, "command line option '--emit-slurm " + script + shown + "'"));
  for (const auto* refused : {&experiment_refused, &out_refused, &plugins_refused, &script_refused})
    CHECK_FALSE(contains(refused->output, "\ntouch injected\n"));
}

TEST_CASE("--emit-slurm quotes paths with spaces, quotes and $(...): running the script runs only the sweep") {
  ScratchDir dir("slurm-quoting");
  const std::string marker = dir / "injected";
  const std::string odd = dir / ("it's \"$(touch " + marker + ")\" `touch " + marker + "` #x");
  fs::create_directories(odd);
  write_file(odd + "/exp.yaml", std::string(kTiny) + kSweep);
  const std::string script = odd + "/job.sh";
  // The shell command line quotes each argument for the shell: ' as '\''.
  const auto quoted = [](const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const auto emitted = run_seqlab("sweep " + quoted(odd + "/exp.yaml") + " --emit-slurm " + quoted(script) +
                                  " --shards 1 --out " + quoted(odd + "/sw"));
  INFO(emitted.output);
  REQUIRE(emitted.exit_code == 0);
  INFO(read_file(script));
  CHECK(run_shell("bash -n " + quoted(script)).exit_code == 0);
  // The one array task, as Slurm would start it: every trial runs into the odd folder, nothing else runs.
  const auto ran = run_shell("cd " + quoted(dir.path()) + " && SLURM_ARRAY_TASK_ID=1 bash " + quoted(script));
  INFO(ran.output);
  CHECK(ran.exit_code == 0);
  CHECK(fs::exists(odd + "/sw/trials"));
  CHECK_FALSE(fs::exists(marker));
}
