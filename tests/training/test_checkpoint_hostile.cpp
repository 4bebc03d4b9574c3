// Crafted checkpoints (a recomputed digest makes any bytes "whole"): every index, count and plugin state is
// checked against the file and the experiment, and refused naming checkpoint.bin and the field, at once.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <sys/stat.h>

#include "support/process.hpp"
#include "support/refusal.hpp"
#include "training/checkpoint_codec.hpp"
#include "util/sha256.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

const std::string kRun = "run experiments/sine_rnn.yaml dataset.num_samples=100 training.epochs=3 --no-plots ";
const std::string kHeader = "seqlab checkpoint 2\n";

// Every file of a run folder but checkpoint.bin, by name: what a refused resume must leave as it was.
std::map<std::string, std::string> folder_files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != "checkpoint.bin")
      files[fs::relative(entry.path(), dir).string()] = read_file(entry.path().string());
  return files;
}

// `body` (a checkpoint without its digest) with the digest recomputed, as an attacker would.
std::string with_digest(const std::string& body) { return body + seqlab::sha256_of_text(body); }
std::string without_digest(const std::string& bytes) { return bytes.substr(0, bytes.size() - 64); }

// Where the order's count sits in an encoded checkpoint of `s` (checkpoint_codec.cpp's field order).
std::size_t order_count_offset(const seqlab::TrainingState& s) {
  std::size_t at = kHeader.size() + 8;
  for (const auto& [path, value] : s.experiment) at += 16 + path.size() + value.size();
  return at + 8 + 8 + 3 * 8 + 8;  // epochs_done, rows_done, three sums, steps
}

std::string patched_u64(std::string body, std::size_t at, std::uint64_t value) {
  std::memcpy(body.data() + at, &value, sizeof value);
  return body;
}

// Resumes `dir` with `checkpoint` in it: refused with exit 2 within the refusal time, the message at
// checkpoint.bin containing `needle`, every other file untouched. Returns the seconds it took.
double expect_refused(const std::string& dir, const std::string& checkpoint, const std::string& needle) {
  write_file(dir + "/checkpoint.bin", checkpoint);
  const auto before = folder_files(dir);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_seqlab("resume '" + dir + "' --epochs 6 --no-plots", "", seqlab::test::kRefusalSeconds);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, dir + "/checkpoint.bin: error: "));
  CHECK(contains(r.output, needle));
  CHECK(folder_files(dir) == before);
  return seconds;
}

}  // namespace

TEST_CASE("a crafted checkpoint with a recomputed digest is refused naming checkpoint.bin and the field") {
  ScratchDir dir("checkpoint-hostile");
  const std::string run = dir / "a";
  const auto made = run_seqlab(kRun + "--out '" + run + "'");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  const std::string good = read_file(run + "/checkpoint.bin");
  const seqlab::TrainingState state = seqlab::decode_checkpoint(good);
  REQUIRE(state.order.size() == 100);
  REQUIRE_FALSE(state.experiment.empty());

  using Change = std::function<void(seqlab::TrainingState&)>;
  const std::pair<Change, std::string> changes[] = {
      // Before: order[0] = 10^12 crashed (SIGSEGV), count + 5 trained on memory past the data and exited 0.
      {[](auto& s) { s.order[0] = 1000000000000ull; },
       "its order[0] is 1000000000000, but the training set's rows are numbered 0 to 99"},
      {[](auto& s) { s.order[0] = 105; }, "its order[0] is 105"},
      {[](auto& s) { s.order[1] = s.order[0]; }, "repeats row"},
      {[](auto& s) { s.order.pop_back(); }, "it trained on 99 sequences, the data has 100"},
      {[](auto& s) { s.rows_done = 100; }, "its rows_done is 100, but an epoch has 100 rows"},
      {[](auto& s) { s.history.pop_back(); }, "its history has 2 epochs, but its epochs_done is 3"},
      {[](auto& s) { s.history[1].epoch = 7; }, "its history[1] is epoch 7, not 2"},
      {[](auto& s) { s.best.epoch = 9; }, "its best.epoch is 9, after its last epoch 3"},
      {[](auto& s) { s.weights[0][0] = std::nanf(""); }, "holds NaN at index 0"},
      {[](auto& s) { s.weights[1].push_back(1); }, "values, the model's"},
      {[](auto& s) {
         s.scheduler = {{"lr", {1.0}}};
       },
       "it holds a scheduler's state, and this experiment has none"},
      {[](auto& s) { s.optimizer[0].name = "evil"; }, "its optimizer state's entry 0 is 'evil'"},
      {[](auto& s) { s.optimizer.back().values.resize(3); }, "of 3 value(s), where this experiment's optimizer"},
      {[](auto& s) { s.shuffle_random = "not a stream"; }, "not a saved random stream"},
  };
  SUBCASE("an index out of range, counts that contradict each other, weights or states that do not fit") {
    for (const auto& [change, needle] : changes) {
      CAPTURE(needle);
      seqlab::TrainingState s = state;
      change(s);
      expect_refused(run, seqlab::encode_checkpoint(s), needle);
    }
  }

  SUBCASE("100,000 optimizer entries (3.7 MB, 36 s before) are refused as not this experiment's, at once") {
    seqlab::TrainingState s = state;
    for (int i = 0; i < 100000; ++i) s.optimizer.push_back({"exp_avg." + std::to_string(1000 + i), {0.0}});
    const std::string bytes = seqlab::encode_checkpoint(s);
    CHECK(bytes.size() > 3000000);
    const double seconds = expect_refused(run, bytes,
                                          "its optimizer state has 100013 entries, where this "
                                          "experiment's optimizer keeps 13");
    MESSAGE("100,000 optimizer entries refused in ", seconds, " s (the whole seqlab process)");
    CHECK(seconds < 1.0 * seqlab::test::timeout_scale());
  }
  SUBCASE("counts larger than the rest of the file can hold are refused before anything is allocated") {
    const std::string body = without_digest(good);
    const std::size_t at = order_count_offset(state);
    std::uint64_t count = 0;
    std::memcpy(&count, body.data() + at, sizeof count);
    REQUIRE(count == 100);  // the offset is right
    expect_refused(run, with_digest(patched_u64(body, at, 1ull << 61)),
                   "its order claims 2305843009213693952 entries, more than the file's remaining");
    expect_refused(run, with_digest(patched_u64(body, kHeader.size(), 1ull << 40)),
                   "its experiment claims 1099511627776 entries");
    expect_refused(run, with_digest(patched_u64(body, order_count_offset(state) - 48, ~0ull)), "its epochs_done is -1");
    expect_refused(run, with_digest(body + "x"), "it has bytes after its last field");
  }
  SUBCASE("a checkpoint of format 1 (no record of its experiment) is refused as such") {
    std::string old = without_digest(good);
    old.replace(0, kHeader.size(), "seqlab checkpoint 1\n");
    expect_refused(run, with_digest(old), "a checkpoint of an older seqlab (format 1)");
  }
  SUBCASE("a FIFO as checkpoint.bin is refused without blocking on it") {
    fs::remove(run + "/checkpoint.bin");
    REQUIRE(::mkfifo((run + "/checkpoint.bin").c_str(), 0600) == 0);
    const auto r = run_seqlab("resume '" + run + "' --epochs 6 --no-plots", "", seqlab::test::kRefusalSeconds);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "checkpoint.bin: error: cannot be resumed from: is a FIFO (named pipe)"));
  }
}

TEST_CASE("another experiment's checkpoint of the same shapes is refused with the settings that differ") {
  ScratchDir dir("checkpoint-foreign");
  const std::string a = dir / "a", b = dir / "b", c = dir / "c";
  REQUIRE(run_seqlab(kRun + "--out '" + a + "'").exit_code == 0);
  const std::string own = read_file(a + "/checkpoint.bin");
  // The same shapes and the same sine data: only the rate and the seed differ (resumed silently before).
  REQUIRE(run_seqlab(kRun + "optimizer.lr=0.02 seed=3 --out '" + b + "'").exit_code == 0);
  expect_refused(a, read_file(b + "/checkpoint.bin"),
                 "does not fit this experiment: it was written by another experiment: 2 setting(s) differ: "
                 "optimizer.lr ('0.02' in the checkpoint, '0.01' here); seed ('3' in the checkpoint, '0' here)");
  // Another dataset whose windows give the model the same shapes (1 feature in, 1 out).
  REQUIRE(run_seqlab("run experiments/sunspots_rnn.yaml training.epochs=2 model.hidden_size=32 --no-plots --out '" + c +
                     "'")
              .exit_code == 0);
  expect_refused(a, read_file(c + "/checkpoint.bin"),
                 "setting(s) differ (a plugin's own settings aside): dataset.plugin ('csv' in the checkpoint, 'sine' "
                 "here); training.batch_size ('32' in the checkpoint, '0' here)");

  // Many differences: at most 20 named, then how many more.
  seqlab::TrainingState s = seqlab::decode_checkpoint(own);
  for (int i = 0; i < 30; ++i) s.experiment.emplace_back("model.extra_" + std::to_string(i), "1");
  expect_refused(a, seqlab::encode_checkpoint(s), "30 setting(s) differ: ");
  CHECK(contains(run_seqlab("resume '" + a + "' --epochs 6").output, "; and 10 more"));

  // training.epochs is the one setting a resume may change: a checkpoint after epoch 5 of a run of the same
  // experiment but for its epochs goes on.
  const std::string d = dir / "d";
  REQUIRE(
      run_seqlab("run experiments/sine_rnn.yaml dataset.num_samples=100 training.epochs=5 --no-plots --out '" + d + "'")
          .exit_code == 0);
  write_file(a + "/checkpoint.bin", read_file(d + "/checkpoint.bin"));
  const auto resumed = run_seqlab("resume '" + a + "' --epochs 6 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(contains(resumed.output, "resumed after epoch 5 of 6"));
}

TEST_CASE("decode_checkpoint checks every count against the bytes left, before allocating") {
  seqlab::TrainingState s;
  s.order = {0, 1, 2};
  s.weights = {{1.0f, 2.0f}};
  const std::string body = without_digest(seqlab::encode_checkpoint(s));
  const std::size_t order = order_count_offset(s);
  // 4 entries would fit in the bytes after it (and misread them: refused further on, as something else).
  CHECK_THROWS_AS(seqlab::decode_checkpoint(with_digest(patched_u64(body, order, 4))), seqlab::CheckpointError);
  for (std::uint64_t claim : {1000ull, 1ull << 40, ~0ull}) {
    CAPTURE(claim);
    CHECK_THROWS_WITH_AS(seqlab::decode_checkpoint(with_digest(patched_u64(body, order, claim))),
                         doctest::Contains("its order claims"), seqlab::CheckpointError);
  }
  CHECK_THROWS_WITH_AS(seqlab::decode_checkpoint(with_digest(patched_u64(body, order - 48, 1ull << 31))),
                       doctest::Contains("its epochs_done is 2147483648"), seqlab::CheckpointError);
  CHECK_THROWS_WITH_AS(seqlab::decode_checkpoint(with_digest(body.substr(0, body.size() - 3))),
                       doctest::Contains("the file ends in the middle of its last_gradient_epoch"),
                       seqlab::CheckpointError);
  CHECK_NOTHROW(seqlab::decode_checkpoint(with_digest(body)));
}
