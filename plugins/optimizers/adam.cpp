// Optimizer plugin `adam`: Adam with L2 weight decay, step for step as torch.optim.Adam (adam_family.hpp).
#include "adam_family.hpp"

namespace {

class AdamOptimizer : public seqlab::optimizers::AdamFamily {
 public:
  static seqlab::PluginMeta meta() {
    return {"adam", "Adam (torch.optim.Adam): adaptive moments with bias correction",
            seqlab::optimizers::adam_schema(0.0, "L2 penalty added to the gradient")};
  }
  explicit AdamOptimizer(const seqlab::PluginArgs& args) : AdamFamily(args, seqlab::optimizers::Decay::l2) {}
};

}  // namespace

SEQLAB_PLUGIN(AdamOptimizer)
