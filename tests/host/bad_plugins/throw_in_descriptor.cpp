// A plugin whose descriptor throws while describing itself.
#include <seqlab/plugin.hpp>
#include <stdexcept>

namespace {

class ThrowingLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() { throw std::runtime_error("schema table missing"); }
  explicit ThrowingLoss(const seqlab::PluginArgs&) {}
  double value(const seqlab::Tensor3&, const seqlab::Tensor3&) const override { return 0; }
  void gradient(const seqlab::Tensor3& p, const seqlab::Tensor3&, seqlab::Tensor3& g) const override {
    g = xt::zeros_like(p);
  }
};

}  // namespace

SEQLAB_PLUGIN(ThrowingLoss)
