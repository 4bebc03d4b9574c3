// A plugin whose descriptor crashes (a null dereference while describing itself).
#include <seqlab/plugin.hpp>

namespace {

volatile int* g_nowhere = nullptr;

class CrashingLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    *g_nowhere = 1;  // the bug under test
    return {"crash_in_descriptor", "crashes", {}};
  }
  explicit CrashingLoss(const seqlab::PluginArgs&) {}
  double value(const seqlab::Tensor3&, const seqlab::Tensor3&) const override { return 0; }
  void gradient(const seqlab::Tensor3& p, const seqlab::Tensor3&, seqlab::Tensor3& g) const override {
    g = xt::zeros_like(p);
  }
};

}  // namespace

SEQLAB_PLUGIN(CrashingLoss)
