// A loss plugin `bad_constructor` whose constructor throws or crashes, as its `fail` parameter says.
#include <seqlab/plugin.hpp>
#include <stdexcept>

namespace {

volatile int* g_nowhere = nullptr;

class BadConstructorLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    return {"bad_constructor",
            "fails while being constructed",
            {seqlab::choice("fail", {"throw", "crash"}, "throw", "how to fail")}};
  }
  explicit BadConstructorLoss(const seqlab::PluginArgs& args) {
    if (args.params.text("fail") == "crash") *g_nowhere = 1;  // the bug under test
    throw std::runtime_error("cannot open its lookup table");
  }
  double value(const seqlab::Tensor3&, const seqlab::Tensor3&) const override { return 0; }
  void gradient(const seqlab::Tensor3& p, const seqlab::Tensor3&, seqlab::Tensor3& g) const override {
    g = xt::zeros_like(p);
  }
};

}  // namespace

SEQLAB_PLUGIN(BadConstructorLoss)
