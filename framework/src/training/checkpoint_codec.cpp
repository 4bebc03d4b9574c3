// Checkpoint bytes: every field written in one fixed order, read back in the same order, checked by a digest.
#include "training/checkpoint_codec.hpp"

#include <cstring>
#include <type_traits>

#include "util/sha256.hpp"

namespace seqlab {

namespace {

const std::string kHeader = "seqlab checkpoint 1\n";
constexpr std::size_t kDigestSize = 64;  // hex digits of SHA-256

static_assert(sizeof(double) == 8 && sizeof(float) == 4, "checkpoints store IEEE-754 binary64 and binary32");

class Writer {
 public:
  template <class T>
  void plain(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void count(std::size_t n) { plain<std::uint64_t>(n); }
  void text(const std::string& s) {
    count(s.size());
    bytes_ += s;
  }
  template <class T>
  void array(const std::vector<T>& values) {
    count(values.size());
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  void plugin_state(const PluginState& state) {
    count(state.size());
    for (const StateEntry& e : state) {
      text(e.name);
      array(e.values);
    }
  }
  void arrays(const std::vector<std::vector<float>>& values) {
    count(values.size());
    for (const auto& v : values) array(v);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end) : bytes_(bytes), end_(end) {}
  template <class T>
  T plain() {
    T value;
    take(&value, sizeof value);
    return value;
  }
  std::size_t count() {
    const std::uint64_t n = plain<std::uint64_t>();
    if (n > end_ - at_) throw CheckpointError("a length runs past the end of the file");
    return static_cast<std::size_t>(n);
  }
  std::string text() {
    std::string s(count(), '\0');
    take(s.data(), s.size());
    return s;
  }
  template <class T>
  std::vector<T> array() {
    const std::uint64_t n = plain<std::uint64_t>();
    if (n > (end_ - at_) / sizeof(T)) throw CheckpointError("an array runs past the end of the file");
    std::vector<T> values(static_cast<std::size_t>(n));
    take(values.data(), values.size() * sizeof(T));
    return values;
  }
  PluginState plugin_state() {
    PluginState state(count());
    for (StateEntry& e : state) {
      e.name = text();
      e.values = array<double>();
    }
    return state;
  }
  std::vector<std::vector<float>> arrays() {
    std::vector<std::vector<float>> values(count());
    for (auto& v : values) v = array<float>();
    return values;
  }
  bool done() const { return at_ == end_; }

 private:
  void take(void* out, std::size_t n) {
    if (n > end_ - at_) throw CheckpointError("the file ends in the middle of a field");
    if (n) std::memcpy(out, bytes_.data() + at_, n);
    at_ += n;
  }
  const std::string& bytes_;
  std::size_t at_ = kHeader.size(), end_;
};

void write_record(Writer& w, const EpochRecord& r) {
  w.plain<std::int64_t>(r.epoch);
  for (double v : {r.train_loss, r.val_loss, r.lr, r.grad_norm, r.seconds}) w.plain(v);
}

EpochRecord read_record(Reader& r) {
  EpochRecord e;
  e.epoch = static_cast<int>(r.plain<std::int64_t>());
  for (double* v : {&e.train_loss, &e.val_loss, &e.lr, &e.grad_norm, &e.seconds}) *v = r.plain<double>();
  return e;
}

}  // namespace

std::string encode_checkpoint(const TrainingState& s) {
  Writer w;
  w.bytes() = kHeader;
  w.plain<std::int64_t>(s.epochs_done);
  w.count(s.rows_done);
  for (double v : {s.loss_sum, s.norm_sum, s.seconds}) w.plain(v);
  w.count(s.steps);
  w.array(s.order);
  w.text(s.shuffle_random);
  w.text(s.dropout_random);
  w.plain(s.lr);
  w.plugin_state(s.optimizer);
  w.plugin_state(s.scheduler);
  w.arrays(s.weights);
  w.count(s.history.size());
  for (const EpochRecord& r : s.history) write_record(w, r);
  w.plain(s.best.metric);
  w.plain<std::int64_t>(s.best.epoch);
  w.plain<std::int64_t>(s.best.epochs_without_improvement);
  w.arrays(s.best.weights);
  w.plain<std::uint8_t>(s.stopped_early ? 1 : 0);
  for (double v : {s.first_gradient_norm, s.last_gradient_norm}) w.plain(v);
  w.plain<std::int64_t>(s.last_gradient_epoch);
  std::string bytes = std::move(w.bytes());
  return bytes + sha256_of_text(bytes);
}

TrainingState decode_checkpoint(const std::string& bytes) {
  if (bytes.size() < kHeader.size() + kDigestSize || bytes.compare(0, kHeader.size(), kHeader) != 0)
    throw CheckpointError("not a seqlab checkpoint (or one of another version)");
  const std::size_t end = bytes.size() - kDigestSize;
  if (sha256_of_text(bytes.substr(0, end)) != bytes.substr(end))
    throw CheckpointError("its digest does not match its content: the file is damaged");
  Reader r(bytes, end);
  TrainingState s;
  s.epochs_done = static_cast<int>(r.plain<std::int64_t>());
  s.rows_done = r.count();
  for (double* v : {&s.loss_sum, &s.norm_sum, &s.seconds}) *v = r.plain<double>();
  s.steps = static_cast<std::size_t>(r.plain<std::uint64_t>());
  s.order = r.array<std::uint64_t>();
  s.shuffle_random = r.text();
  s.dropout_random = r.text();
  s.lr = r.plain<double>();
  s.optimizer = r.plugin_state();
  s.scheduler = r.plugin_state();
  s.weights = r.arrays();
  s.history.resize(r.count());
  for (EpochRecord& e : s.history) e = read_record(r);
  s.best.metric = r.plain<double>();
  s.best.epoch = static_cast<int>(r.plain<std::int64_t>());
  s.best.epochs_without_improvement = static_cast<int>(r.plain<std::int64_t>());
  s.best.weights = r.arrays();
  s.stopped_early = r.plain<std::uint8_t>() != 0;
  s.first_gradient_norm = r.plain<double>();
  s.last_gradient_norm = r.plain<double>();
  s.last_gradient_epoch = static_cast<int>(r.plain<std::int64_t>());
  if (!r.done()) throw CheckpointError("it has bytes after its last field");
  return s;
}

}  // namespace seqlab
