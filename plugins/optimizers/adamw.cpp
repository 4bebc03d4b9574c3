// Optimizer plugin `adamw`: Adam with decoupled weight decay, step for step as torch.optim.AdamW (adam_family.hpp).
#include "adam_family.hpp"

namespace {

class AdamWOptimizer : public seqlab::optimizers::AdamFamily {
 public:
  static seqlab::PluginMeta meta() {
    return {"adamw", "AdamW (torch.optim.AdamW): Adam with weight decay decoupled from the gradient",
            seqlab::optimizers::adam_schema(
                0.01, "decoupled weight decay: every step multiplies the weights by (1 - lr * weight_decay)")};
  }
  explicit AdamWOptimizer(const seqlab::PluginArgs& args) : AdamFamily(args, seqlab::optimizers::Decay::decoupled) {}
};

}  // namespace

SEQLAB_PLUGIN(AdamWOptimizer)
