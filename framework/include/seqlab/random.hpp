// The seeded random source every plugin draws from, identical on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace seqlab {

// A Mersenne Twister with hand-written conversions: std::*_distribution's
// results differ between standard libraries, these do not. All randomness in a
// run flows from the experiment's seed through Random::stream().
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // An independent stream for one named consumer ("dataset", "model", ...), so
  // that adding draws in one plugin never shifts another's numbers.
  static Random stream(std::uint64_t seed, std::string_view name) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the name, mixed with the seed
    for (char ch : name) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    return Random(splitmix(seed ^ h));
  }

  std::uint64_t next_u64() { return engine_(); }
  // Skips n draws of next_u64 (or uniform): as if they had been drawn.
  void discard(std::uint64_t n) { engine_.discard(n); }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Standard normal (Box-Muller; one value per call keeps the stream simple).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Uniform integer in [0, n), unbiased (rejection sampling), n > 0.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do x = engine_();
    while (x >= limit);
    return x % n;
  }

  // The engine's whole state as text, and back: a checkpoint saves every stream, so that a resumed
  // run draws exactly what the uninterrupted one would have.
  std::string state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
  }
  void set_state(const std::string& text) {
    std::istringstream in(text);
    std::mt19937_64 engine;
    in >> engine;
    if (!in) throw std::runtime_error("not a saved random stream");
    engine_ = engine;
  }

  // Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  static std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  std::mt19937_64 engine_;
};

}  // namespace seqlab
