// Loss plugin `two_pass_mse`: mean squared error that does not say it is separable (no separable(), no
// gradient_elements()), as a loss written without them is; `seqlab check` must pass it with a warning.
#include "support/plain_mse.hpp"

namespace {

class TwoPassMse : public seqlab::test::PlainMse {
 public:
  static seqlab::PluginMeta meta() { return {"two_pass_mse", "MSE without separable(), for seqlab check", {}}; }
  explicit TwoPassMse(const seqlab::PluginArgs&) {}
};

}  // namespace

SEQLAB_PLUGIN(TwoPassMse)
