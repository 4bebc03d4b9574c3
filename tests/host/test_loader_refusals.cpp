// The loader cannot be fooled: mis-built, crashing, throwing or misplaced plugins are refused with exit code 2.
#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>

#include "support/process.hpp"

using seqlab::test::contains;

using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const std::string kBad = SEQLAB_TEST_BAD_PLUGIN_DIR;

// `seqlab plugins` with one extra folder: the refusal must come before any listing.
seqlab::test::ProcessResult list_with(const std::string& dir) {
  return run_seqlab("plugins --plugin-dir '" + dir + "'");
}

}  // namespace

TEST_CASE("a plugin built with other build facts is refused, saying what differs and what to rebuild"){
    SUBCASE("another seqlab version"){const auto r = list_with(kBad + "/misbuilt_version");
INFO(r.output);
CHECK(r.exit_code == 2);
CHECK(contains(r.output, "misbuilt_version/mse.so"));
CHECK(contains(r.output, "built against seqlab 0.0.1-old, this is seqlab "));
CHECK(contains(r.output, "rebuild the plugin"));
}
SUBCASE("another C++ ABI") {
  const auto r = list_with(kBad + "/misbuilt_abi");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "_GLIBCXX_USE_CXX11_ABI=0"));
  CHECK(contains(r.output, "rebuild the plugin"));
}
SUBCASE("another tensor alignment") {
  const auto r = list_with(kBad + "/misbuilt_alignment");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "its tensors use 0-byte alignment (none)"));
  CHECK(contains(r.output, "rebuild the plugin"));
}
#ifdef SEQLAB_TEST_HAVE_CLANG
SUBCASE("another compiler") {
  const auto r = list_with(kBad + "/misbuilt_compiler");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "it was built with clang"));
  CHECK(contains(r.output, "rebuild the plugin"));
}
#endif
}

TEST_CASE("a plugin that crashes or throws in its descriptor is named") {
  SUBCASE("crash") {
    const auto r = list_with(kBad + "/crash_in_descriptor");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "crash_in_descriptor.so crashed while describing itself"));
    CHECK(contains(r.output, "SIGSEGV"));
  }
  SUBCASE("exception") {
    const auto r = list_with(kBad + "/throw_in_descriptor");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "throw_in_descriptor.so: the plugin's descriptor threw: schema table missing"));
  }
}

TEST_CASE("a plugin that crashes or throws in its constructor is named") {
  ScratchDir dir("ctor");
  const std::string exp = dir / "exp.yaml";
  write_file(exp, R"(dataset: {plugin: sine, num_samples: 8, val_samples: 0, seq_length: 4}
model: {plugin: rnn, hidden_size: 2}
loss: {plugin: bad_constructor}
optimizer: {plugin: sgd}
)");
  const std::string args = "validate '" + exp + "' --plugin-dir '" + kBad + "/bad_constructor'";
  SUBCASE("exception") {
    const auto r = run_seqlab(args);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "loss plugin 'bad_constructor'"));
    CHECK(contains(r.output, "threw while being created: cannot open its lookup table"));
  }
  SUBCASE("crash") {
    const auto r = run_seqlab(args + " loss.fail=crash");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "bad_constructor.so crashed while constructing its loss 'bad_constructor'"));
  }
}

TEST_CASE("plugin files and folders writable by other users are refused, like ssh refuses such a key") {
  ScratchDir dir("perm");
  const std::string folder = dir / "plugins";
  std::filesystem::create_directories(folder);
  ::chmod(folder.c_str(), 0755);
  const std::string file = folder + "/sine_copy.so";
  SUBCASE("file") {
    // Refused before loading, so the copy never gets to clash with the shipped sine by name.
    std::filesystem::copy_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/sine.so", file);
    ::chmod(file.c_str(), 0666);
    const auto r = list_with(folder);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "plugin file " + file + " is writable by other users (mode 0666)"));
    CHECK(contains(r.output, "chmod go-w"));
  }
  SUBCASE("folder") {
    ::chmod(folder.c_str(), 0777);
    const auto r = list_with(folder);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "plugin folder "));
    CHECK(contains(r.output, "is writable by other users (mode 0777)"));
  }
}

TEST_CASE("an experiment may add plugin folders only below its own folder, and the run records them") {
  ScratchDir dir("dirs");
  std::filesystem::create_directories(dir / "mine");
  // A plugin only this experiment knows: bad_constructor's folder is not on the plugin path.
  std::filesystem::copy_file(kBad + "/throw_in_descriptor/throw_in_descriptor.so", dir / "mine/x.so");
  const std::string body = R"(dataset: {plugin: sine, num_samples: 8, val_samples: 0, seq_length: 4}
model: {plugin: rnn, hidden_size: 2}
loss: {plugin: mse}
optimizer: {plugin: sgd}
training: {epochs: 1}
)";
  SUBCASE("relative: searched (here it holds a plugin that throws, which proves it was loaded)") {
    write_file(dir / "exp.yaml", "plugin_dirs: [mine]\n" + std::string(body));
    const auto r = run_seqlab("validate '" + (dir / "exp.yaml") + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "mine/x.so: the plugin's descriptor threw"));
  }
  SUBCASE("absolute: refused") {
    write_file(dir / "exp.yaml", "plugin_dirs: [" + (dir / "mine") + "]\n" + std::string(body));
    const auto r = run_seqlab("validate '" + (dir / "exp.yaml") + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "exp.yaml:1:1: error: plugin_dirs"));
    CHECK(contains(r.output, "only add plugin folders relative to itself"));
  }
  SUBCASE("climbing out: refused") {
    write_file(dir / "exp.yaml", "plugin_dirs: [mine/../..]\n" + std::string(body));
    const auto r = run_seqlab("validate '" + (dir / "exp.yaml") + "'");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "not below the experiment's folder"));
  }
  SUBCASE("recorded in the run") {
    std::filesystem::remove(dir / "mine/x.so");
    write_file(dir / "exp.yaml", "plugin_dirs: [mine]\n" + std::string(body));
    const auto r = run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "run") + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(seqlab::test::read_file(dir / "run/summary.json"), dir / "mine"));
    CHECK(contains(seqlab::test::read_file(dir / "run/config.yaml"), "# plugin folder added by the experiment: "));
  }
}
