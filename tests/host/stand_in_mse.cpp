// A loss plugin with a shipped plugin's name, `mse`, and a summary of its own: the name-clash tests build it
// into two folders (tests/CMakeLists.txt), to override the shipped mse or to clash. It is always zero: the
// tests only load it, look it up and read its summary.
#include <seqlab/plugin.hpp>

namespace {

class StandInMse : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() { return {"mse", "the name-clash tests' stand-in for the shipped mse", {}}; }
  explicit StandInMse(const seqlab::PluginArgs&) {}
  double value(const seqlab::Tensor3&, const seqlab::Tensor3&) const override { return 0.0; }
  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3&, seqlab::Tensor3& grad) const override {
    grad = xt::zeros<float>(predictions.shape());
  }
};

}  // namespace

SEQLAB_PLUGIN(StandInMse)
