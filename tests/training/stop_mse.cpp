// A loss plugin `stop_mse`: the mean squared error, which sends its own process SIGTERM at the Nth value() call
// when SEQLAB_TEST_STOP_AT_CALL=N is set. A run then stops at a batch boundary chosen by the test, not by the
// clock: between two mini-batches of an epoch, where a checkpoint holds a half-done epoch (test_step_on.cpp).
#include <csignal>
#include <cstdlib>

#include "support/plain_mse.hpp"

namespace {

long calls = 0;  // value() calls in this process, training batches and validation alike

class StopMse : public seqlab::test::PlainMse {
 public:
  static seqlab::PluginMeta meta() {
    return {"stop_mse", "mse that raises SIGTERM at the value() call SEQLAB_TEST_STOP_AT_CALL names", {}};
  }
  explicit StopMse(const seqlab::PluginArgs&) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    const char* stop_at = std::getenv("SEQLAB_TEST_STOP_AT_CALL");
    if (stop_at && ++calls == std::atol(stop_at)) std::raise(SIGTERM);
    return PlainMse::value(predictions, targets);
  }
};

}  // namespace

SEQLAB_PLUGIN(StopMse)
