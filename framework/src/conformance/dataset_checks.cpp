// Conformance for datasets: shapes, finite values, determinism from the seed, and a seed that matters.
// Tested in tests/conformance/test_conformance.cpp
#include "conformance/kind_checks.hpp"

#include <cstring>
#include <optional>
#include <fmt/format.h>

#include "conformance/check_kit.hpp"

namespace seqlab::conformance {

namespace {

bool same(const Tensor3& a, const Tensor3& b) {
  // An empty tensor may have no buffer at all: memcmp must not see its null pointer.
  return a.shape() == b.shape() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
bool same(const DatasetSplits& a, const DatasetSplits& b) {
  return same(a.train.inputs, b.train.inputs) && same(a.train.targets, b.train.targets) &&
         same(a.validation.inputs, b.validation.inputs) && same(a.validation.targets, b.validation.targets) &&
         same(a.test.inputs, b.test.inputs) && same(a.test.targets, b.test.targets);
}

// The file parameter of a dataset that reads its data (csv's `path`), or empty: such data is the same from
// every seed, as it should be.
std::string file_parameter(const LoadedPlugin& plugin) {
  for (const auto& spec : plugin.info->meta.params)
    if (spec.type == ParamType::path) return spec.name;
  return {};
}

std::string shape_text(const Tensor3& t) { return fmt::format("({})", fmt::join(t.shape(), ", ")); }

}  // namespace

std::vector<CheckResult> dataset_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                        const std::string& with) {
  std::vector<CheckResult> out;
  auto load = [&](std::uint64_t seed) {
    Random random = Random::stream(seed, "dataset");
    auto dataset = create_dataset(plugin, {params, random, {}});
    return dataset->load();
  };
  std::optional<DatasetSplits> data;
  out.push_back(guarded("construction and load()", [&] {
    data = load(0);
    return pass("construction and load()", fmt::format("{}: {} training and {} validation sequences", with,
                                                       data->train.count(), data->validation.count()));
  }));
  if (!data) return out;

  out.push_back(guarded("shapes", [&] {
    std::vector<std::string> bad;
    const Tensor3& in = data->train.inputs;
    const Tensor3& tg = data->train.targets;
    if (in.shape()[0] == 0) bad.push_back("the training set is empty");
    if (in.shape()[1] == 0 || in.shape()[2] == 0)
      bad.push_back("training inputs " + shape_text(in) + " have no steps or features");
    auto check_set = [&](const SequenceSet& set, const std::string& which) {
      const auto& i = set.inputs.shape();
      const auto& t = set.targets.shape();
      if (t[0] != i[0])
        bad.push_back(which + " targets " + shape_text(set.targets) + " do not match inputs " + shape_text(set.inputs));
      if (set.count() == 0) return;
      if (i[1] != in.shape()[1] || i[2] != in.shape()[2])
        bad.push_back(which + " inputs " + shape_text(set.inputs) + " differ in steps or features from training " +
                      shape_text(in));
      if (t[1] != 1 && t[1] != i[1])
        bad.push_back(which + " targets " + shape_text(set.targets) + " must have 1 step or the inputs' " +
                      std::to_string(i[1]));
      if (t[1] != tg.shape()[1] || t[2] != tg.shape()[2] || t[2] == 0)
        bad.push_back(which + " targets " + shape_text(set.targets) + " do not fit training targets " + shape_text(tg));
    };
    check_set(data->train, "training");
    check_set(data->validation, "validation");
    check_set(data->test, "test");
    return verdict("shapes", bad,
                   fmt::format("training inputs {} -> targets {}, validation {} -> {}", shape_text(in), shape_text(tg),
                               shape_text(data->validation.inputs), shape_text(data->validation.targets)));
  }));

  out.push_back(guarded("finite values", [&] {
    const std::pair<const Tensor3*, const char*> tensors[] = {{&data->train.inputs, "training inputs"},
                                                              {&data->train.targets, "training targets"},
                                                              {&data->validation.inputs, "validation inputs"},
                                                              {&data->validation.targets, "validation targets"},
                                                              {&data->test.inputs, "test inputs"},
                                                              {&data->test.targets, "test targets"}};
    for (const auto& [t, which] : tensors)
      for (std::size_t k = 0; k < t->size(); ++k)
        if (!std::isfinite(t->data()[k]))
          return fail("finite values", fmt::format("{} hold {} at flat index {}", which, num(t->data()[k]), k));
    return pass("finite values", "no NaN or infinity");
  }));

  out.push_back(guarded("same seed, same data", [&] {
    return same(load(0), *data) ? pass("same seed, same data", "load() from seed 0 twice: identical bytes")
                                : fail("same seed, same data",
                                       "two datasets made from the same seed gave different data; draw every random "
                                       "number from PluginArgs::random");
  }));
  out.push_back(guarded("another seed, other data", [&] {
    const std::string file = file_parameter(plugin);
    if (!same(load(1), *data)) return pass("another seed, other data", "seeds 0 and 1 differ");
    if (!file.empty())
      return pass("another seed, other data",
                  "seeds 0 and 1 give the same data, as they should: it is read from the file `" + file + "`");
    return fail("another seed, other data",
                "seeds 0 and 1 gave identical data; draw the dataset's randomness from PluginArgs::random");
  }));
  return out;
}

}  // namespace seqlab::conformance
