// Checkpoint bytes: every field written in one fixed order, read back in the same order, checked by a digest.
// Tested in tests/training/test_checkpoint_hostile.cpp, tests/runs/test_resume.cpp
#include "training/checkpoint_codec.hpp"

#include <climits>
#include <cstring>
#include <type_traits>

#include "util/sha256.hpp"

namespace seqlab {

namespace {

// Format 2 added the experiment's identity (TrainingState::experiment).
const std::string kHeader = "seqlab checkpoint 2\n";
const std::string kOldHeader = "seqlab checkpoint 1\n";
constexpr std::size_t kDigestSize = 64;  // hex digits of SHA-256

// The fewest bytes one element of each list takes in the file: a count read from the file is checked against
// the bytes left before anything is allocated for it, so no count can ask for more memory than the file's size
// (times a small factor: an optimizer entry in memory is a name and a vector, 56 bytes for the file's 16).
constexpr std::size_t kTextBytes = 8;                  // its length
constexpr std::size_t kStateEntryBytes = 8 + 8;        // its name's length and its values' count
constexpr std::size_t kArrayBytes = 8;                 // its count
constexpr std::size_t kRecordBytes = 8 + 5 * 8;        // EpochRecord: the epoch and five doubles
constexpr std::size_t kSettingBytes = 2 * kTextBytes;  // a setting's path and value

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

// Reads the fields in order; every problem names the field (TrainingState's member names).
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end) : bytes_(bytes), end_(end) {}
  template <class T>
  T plain(const char* field) {
    T value;
    take(&value, sizeof value, field);
    return value;
  }
  // An int field: a count of epochs, never negative.
  int whole(const char* field) {
    const std::int64_t v = plain<std::int64_t>(field);
    if (v < 0 || v > INT_MAX) throw CheckpointError(std::string("its ") + field + " is " + std::to_string(v));
    return static_cast<int>(v);
  }
  // A count of elements of at least `element_bytes` each, checked against the bytes left.
  std::size_t count(const char* field, std::size_t element_bytes) {
    const std::uint64_t n = plain<std::uint64_t>(field);
    if (n > (end_ - at_) / element_bytes)
      throw CheckpointError(std::string("its ") + field + " claims " + std::to_string(n) +
                            " entries, more than the file's remaining " + std::to_string(end_ - at_) +
                            " bytes can hold");
    return static_cast<std::size_t>(n);
  }
  std::string text(const char* field) {
    std::string s(count(field, 1), '\0');
    take(s.data(), s.size(), field);
    return s;
  }
  template <class T>
  std::vector<T> array(const char* field) {
    std::vector<T> values(count(field, sizeof(T)));
    take(values.data(), values.size() * sizeof(T), field);
    return values;
  }
  PluginState plugin_state(const char* field) {
    PluginState state(count(field, kStateEntryBytes));
    for (StateEntry& e : state) {
      e.name = text(field);
      e.values = array<double>(field);
    }
    return state;
  }
  std::vector<std::vector<float>> arrays(const char* field) {
    std::vector<std::vector<float>> values(count(field, kArrayBytes));
    for (auto& v : values) v = array<float>(field);
    return values;
  }
  bool done() const { return at_ == end_; }

 private:
  void take(void* out, std::size_t n, const char* field) {
    if (n > end_ - at_) throw CheckpointError(std::string("the file ends in the middle of its ") + field);
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
  e.epoch = r.whole("history");
  for (double* v : {&e.train_loss, &e.val_loss, &e.lr, &e.grad_norm, &e.seconds}) *v = r.plain<double>("history");
  return e;
}

}  // namespace

std::string encode_checkpoint(const TrainingState& s) {
  Writer w;
  w.bytes() = kHeader;
  w.count(s.experiment.size());
  for (const auto& [path, value] : s.experiment) {
    w.text(path);
    w.text(value);
  }
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
  bytes += sha256_of_text(bytes);
  return bytes;
}

TrainingState decode_checkpoint(const std::string& bytes) {
  if (bytes.compare(0, kOldHeader.size(), kOldHeader) == 0)
    throw CheckpointError(
        "it is a checkpoint of an older seqlab (format 1), which does not record the experiment it belongs to, so "
        "it cannot be checked against this one; finish the run with the seqlab that started it, or start it again");
  if (bytes.size() < kHeader.size() + kDigestSize || bytes.compare(0, kHeader.size(), kHeader) != 0)
    throw CheckpointError("not a seqlab checkpoint (or one of another version)");
  const std::size_t end = bytes.size() - kDigestSize;
  if (sha256_of_text(bytes.substr(0, end)) != bytes.substr(end))
    throw CheckpointError("its digest does not match its content: the file is damaged");
  // The digest proves only that the bytes are whole, not who wrote them: every count and index is still
  // checked, here against the file's length and in Trainer::restore against the experiment.
  Reader r(bytes, end);
  TrainingState s;
  s.experiment.resize(r.count("experiment", kSettingBytes));
  for (auto& [path, value] : s.experiment) {
    path = r.text("experiment");
    value = r.text("experiment");
  }
  s.epochs_done = r.whole("epochs_done");
  s.rows_done = static_cast<std::size_t>(r.plain<std::uint64_t>("rows_done"));
  for (double* v : {&s.loss_sum, &s.norm_sum, &s.seconds}) *v = r.plain<double>("loss_sum");
  s.steps = static_cast<std::size_t>(r.plain<std::uint64_t>("steps"));
  s.order = r.array<std::uint64_t>("order");
  s.shuffle_random = r.text("shuffle_random");
  s.dropout_random = r.text("dropout_random");
  s.lr = r.plain<double>("lr");
  s.optimizer = r.plugin_state("optimizer");
  s.scheduler = r.plugin_state("scheduler");
  s.weights = r.arrays("weights");
  s.history.resize(r.count("history", kRecordBytes));
  for (EpochRecord& e : s.history) e = read_record(r);
  s.best.metric = r.plain<double>("best.metric");
  s.best.epoch = r.whole("best.epoch");
  s.best.epochs_without_improvement = r.whole("best.epochs_without_improvement");
  s.best.weights = r.arrays("best.weights");
  const std::uint8_t stopped = r.plain<std::uint8_t>("stopped_early");
  if (stopped > 1) throw CheckpointError("its stopped_early is " + std::to_string(stopped) + ", neither 0 nor 1");
  s.stopped_early = stopped == 1;
  s.first_gradient_norm = r.plain<double>("first_gradient_norm");
  s.last_gradient_norm = r.plain<double>("last_gradient_norm");
  s.last_gradient_epoch = r.whole("last_gradient_epoch");
  if (!r.done()) throw CheckpointError("it has bytes after its last field");
  return s;
}

}  // namespace seqlab
