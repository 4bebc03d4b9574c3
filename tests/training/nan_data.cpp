// A dataset plugin `nan_data`: a few sine-like sequences with one NaN or infinity where its parameters say.
#include <cmath>
#include <limits>
#include <seqlab/plugin.hpp>

namespace {

class NanData : public seqlab::Dataset {
 public:
  static seqlab::PluginMeta meta() {
    using namespace seqlab;
    return {"nan_data",
            "8 training and 2 validation sequences of 5 steps, one value spoiled",
            {choice("value", {"nan", "inf"}, "nan", "what the spoiled value is"),
             choice("split", {"train", "validation"}, "train", "which split holds it"),
             choice("part", {"inputs", "targets"}, "inputs", "inputs or targets"),
             integer("sequence", 1, "its sequence").between(0, 7), integer("step", 3, "its step").between(0, 4)}};
  }
  explicit NanData(const seqlab::PluginArgs& args) : params_(args.params) {}

  seqlab::DatasetSplits load() override {
    seqlab::DatasetSplits splits{make(8), make(2)};
    seqlab::SequenceSet& set = params_.text("split") == "train" ? splits.train : splits.validation;
    seqlab::Tensor3& part = params_.text("part") == "inputs" ? set.inputs : set.targets;
    const auto n = static_cast<std::size_t>(params_.integer("sequence"));
    const auto t = params_.text("part") == "inputs" ? static_cast<std::size_t>(params_.integer("step")) : 0;
    part(n, t, 0) = params_.text("value") == "nan" ? std::numeric_limits<float>::quiet_NaN()
                                                   : std::numeric_limits<float>::infinity();
    return splits;
  }

 private:
  static seqlab::SequenceSet make(std::size_t count) {
    seqlab::SequenceSet set{seqlab::Tensor3::from_shape({count, 5, 1}), seqlab::Tensor3::from_shape({count, 1, 1})};
    for (std::size_t n = 0; n < count; ++n) {
      for (std::size_t t = 0; t < 5; ++t) set.inputs(n, t, 0) = static_cast<float>(std::sin(0.3 * (n + t)));
      set.targets(n, 0, 0) = static_cast<float>(std::sin(0.3 * (n + 5)));
    }
    return set;
  }

  seqlab::ParamValues params_;
};

}  // namespace

SEQLAB_PLUGIN(NanData)
