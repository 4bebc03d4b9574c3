// A library whose static constructor leaves a marker file (its path in SEQLAB_TEST_MARKER): proof that the
// library was loaded, and so that its code ran. Built three ways (tests/CMakeLists.txt), by MARKER_DESCRIPTOR:
// 0 no descriptor (a shared library but no plugin), 1 a working loss plugin `marker_loss` (mean squared
// error), 2 a descriptor for a future plugin API.
#include <cstdio>
#include <cstdlib>
#include <seqlab/plugin.hpp>

namespace {

__attribute__((constructor)) void leave_marker() {
  const char* path = std::getenv("SEQLAB_TEST_MARKER");
  if (path == nullptr) return;
  if (FILE* file = std::fopen(path, "a")) {
    std::fputs("the constructor ran\n", file);
    std::fclose(file);
  }
}

}  // namespace

#if MARKER_DESCRIPTOR == 1
namespace {

class MarkerLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() { return {"marker_loss", "mean squared error, from a library with a marker", {}}; }
  explicit MarkerLoss(const seqlab::PluginArgs&) {}
  double value(const seqlab::Tensor3& p, const seqlab::Tensor3& t) const override {
    double sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) sum += (p.data()[i] - t.data()[i]) * (p.data()[i] - t.data()[i]);
    return p.size() ? sum / static_cast<double>(p.size()) : 0.0;
  }
  void gradient(const seqlab::Tensor3& p, const seqlab::Tensor3& t, seqlab::Tensor3& g) const override {
    g.resize(p.shape());
    for (std::size_t i = 0; i < p.size(); ++i)
      g.data()[i] = 2.0f * (p.data()[i] - t.data()[i]) / static_cast<float>(p.size());
  }
};

}  // namespace

SEQLAB_PLUGIN(MarkerLoss)
#elif MARKER_DESCRIPTOR == 2
extern "C" __attribute__((visibility("default"))) const seqlab::PluginDescriptor seqlab_plugin_descriptor = {
    seqlab::kPluginMagic, seqlab::kApiVersion + 1, SEQLAB_BUILD_FACTS, nullptr};
#endif
