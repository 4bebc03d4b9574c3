// A loss plugin that segfaults in value() when `crash: true`, else mse: a trial that dies by a signal, for the sweep
// tests.
#include <csignal>
#include <cstdio>
#include <seqlab/plugin.hpp>

namespace {

// L = (1/n) * sum (p - t)^2, as mse; with crash: true, value() raises SIGSEGV
// instead (raise, not a null write: the compiler may turn that into a trap).
// Construction succeeds either way, so the sweep's checks before running pass
// and the crash happens inside the trial's training loop.
class CrashOnValue : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    return {"crash_on_value",
            "Mean squared error, or a segfault in value() with crash: true (a test)",
            {seqlab::boolean("crash", false, "die by SIGSEGV on the first loss computed")}};
  }
  explicit CrashOnValue(const seqlab::PluginArgs& args) : crash_(args.params.boolean("crash")) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    if (crash_) {
      // A last word, as a real crash often leaves one (an assertion, a log line): the sweep's error tail shows it.
      std::fputs("crash_on_value: value() is about to segfault (crash: true)\n", stderr);
      std::fflush(stderr);
      std::raise(SIGSEGV);
    }
    double sum = 0.0;
    const float* p = predictions.data();
    const float* t = targets.data();
    for (std::size_t i = 0, n = predictions.size(); i < n; ++i) {
      const double d = static_cast<double>(p[i]) - t[i];
      sum += d * d;
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets,
                seqlab::Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const float scale = 2.0f / static_cast<float>(predictions.size());
    const float* p = predictions.data();
    const float* t = targets.data();
    float* g = grad.data();
    for (std::size_t i = 0, n = predictions.size(); i < n; ++i) g[i] = scale * (p[i] - t[i]);
  }

 private:
  bool crash_;
};

}  // namespace

SEQLAB_PLUGIN(CrashOnValue)
