// The loader: descriptors, the search path, and the library staying loaded while its objects live.
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdlib>

#include "config/param_validation.hpp"
#include "host/plugin_loader.hpp"
#include "support/process.hpp"

TEST_CASE("an object outlives the LoadedPlugin it came from: its deleter keeps the library loaded") {
  seqlab::Handle<seqlab::Model> model(nullptr, [](seqlab::Model*) {});
  {
    const seqlab::LoadedPlugin plugin = seqlab::load_plugin_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/rnn.so");
    CHECK(plugin.name() == "rnn");
    CHECK(plugin.kind() == seqlab::PluginKind::model);
    const auto params = seqlab::default_params(plugin.info->meta.params);
    seqlab::Random random(1);
    model = seqlab::create_model(plugin, {params, random, {1, 1, 4, 1}});
    CHECK(plugin.library.use_count() == 2);  // the LoadedPlugin and the model's deleter
  }
  // Only the model holds the library now; calling into it and destroying it must work.
  seqlab::Tensor3 inputs = xt::zeros<float>({2, 4, 1});
  seqlab::Tensor3 outputs;
  auto cache = model->make_cache(2, 4);
  model->forward(inputs, *cache, outputs);
  CHECK(outputs.shape()[0] == 2);
  cache.reset();
  model.reset();
}

TEST_CASE("SEQLAB_PLUGIN_PATH folders are searched") {
  const std::string bad = std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/no_descriptor";
  // Proven by the refusal: only a searched folder's library can be refused (and it must be that
  // library's refusal, not another entry's).
  const auto result = seqlab::test::run_seqlab("plugins", "SEQLAB_PLUGIN_PATH='" + bad + "'");
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK(seqlab::test::contains(result.output, bad + "/no_descriptor.so: is a shared library but not a seqlab plugin"));
  // Empty entries (a leading or doubled ':') are skipped, not taken for the current folder.
  const auto empty_entries = seqlab::test::run_seqlab("plugins", "SEQLAB_PLUGIN_PATH='::" + bad + ":'");
  CHECK(empty_entries.exit_code == 2);
  CHECK(seqlab::test::contains(empty_entries.output, "no_descriptor.so: is a shared library but not a seqlab plugin"));
  const auto ok = seqlab::test::run_seqlab("plugins");
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("no_descriptor") == std::string::npos);
}

TEST_CASE("the registry names every kind's plugins and finds them by kind and name") {
  seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  CHECK(registry.find(seqlab::PluginKind::model, "lstm") != nullptr);
  CHECK(registry.find(seqlab::PluginKind::loss, "lstm") == nullptr);
  auto sorted = [&](seqlab::PluginKind kind) {
    std::vector<std::string> names = registry.names(kind);
    std::sort(names.begin(), names.end());
    return names;
  };
  CHECK(sorted(seqlab::PluginKind::optimizer) == std::vector<std::string>{"adam", "adamw", "rmsprop", "sgd"});
  CHECK(sorted(seqlab::PluginKind::loss) == std::vector<std::string>{"huber", "mae", "mse"});
  CHECK(sorted(seqlab::PluginKind::scheduler) ==
        std::vector<std::string>{"cosine", "exponential", "multistep", "onecycle", "plateau", "step"});
  CHECK(registry.find(seqlab::PluginKind::scheduler, "plateau") != nullptr);
}
