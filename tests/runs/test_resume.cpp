// Checkpoints and `seqlab resume`: a run stopped by SIGTERM, or killed between checkpoints, and resumed ends
// byte-identical to the same run uninterrupted; a kill at any instant leaves a checkpoint that loads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "runs/run_folder.hpp"
#include "support/process.hpp"
#include "support/same_results.hpp"
#include "training/checkpoint_codec.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

// Everything that makes resuming hard at once: shuffled mini-batches (the shuffle stream), dropout between
// two layers (the dropout stream), a warm-up and cosine schedule, clipping that bites, a checkpoint every 5 epochs.
const std::string kExperiment =
    "experiments/sine_lstm.yaml dataset.num_samples=300 model.hidden_size=16 model.num_layers=2 model.dropout=0.2 "
    "training.epochs=60 training.batch_size=64 training.clip_grad_norm=0.05 training.checkpoint_every=5 "
    "training.log_every=0 --no-plots";
const std::string kCosine = " scheduler.plugin=cosine scheduler.warmup_epochs=3";

// Starts the experiment (with `settings` added) into `out` in the background, waits until metrics.csv has
// `lines` lines (header included), sends `signal`, and returns the run's exit code and output.
seqlab::test::ProcessResult interrupt(const std::string& out, int lines, const std::string& signal,
                                      const std::string& settings = kCosine) {
  const std::string metrics = out + "/metrics.csv";
  return run_shell("cd '" + std::string(SEQLAB_TEST_SOURCE_DIR) + "' && ('" + SEQLAB_TEST_BINARY + "' run " +
                   kExperiment + settings + " --out '" + out + "' > '" + out +
                   ".log' 2>&1 & pid=$!; for i in $(seq 3000); do " + "[ $(cat '" + metrics +
                   "' 2>/dev/null | wc -l) -ge " + std::to_string(lines) + " ] && break; sleep 0.01; done; kill -" +
                   signal + " $pid; wait $pid; echo \"exit=$?\"; cat '" + out + ".log')");
}

// The parts of two run folders that must be byte-identical (support/same_results.hpp); the weights: two LSTM
// layers of 4 tensors, and the head's 2.
void check_same_results(const std::string& a, const std::string& b) { seqlab::test::check_same_results(a, b, 10); }

// SIGKILLs the experiment (with `settings`) into `out` after epoch 12, two after the checkpoint of epoch 10,
// resumes it, and compares the result with `whole`, the same run uninterrupted.
void kill_and_resume(const std::string& whole, const std::string& out, const std::string& settings) {
  const auto killed = interrupt(out, 14, "KILL", settings);
  INFO(killed.output);
  CHECK(contains(killed.output, "exit=137"));
  // Epochs logged when the kill landed (at least 13; more on a fast machine): the run must go on from the last
  // checkpoint (every 5 epochs) at or before them; one less when the kill fell between an epoch's line and its
  // checkpoint.
  const std::size_t logged = seqlab::test::count_of(read_file(out + "/metrics.csv"), "\n") - 1;
  REQUIRE(logged >= 13);
  const std::size_t last_checkpoint = logged / 5 * 5;
  const auto resumed = run_seqlab("resume '" + out + "' --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  const bool after_last = contains(resumed.output, "resumed after epoch " + std::to_string(last_checkpoint) + " ");
  const bool after_one_before =
      contains(resumed.output, "resumed after epoch " + std::to_string(last_checkpoint - 5) + " ");
  CHECK((after_last || (after_one_before && logged == last_checkpoint)));
  check_same_results(whole, out);
}

// A run stopped by SIGTERM or SIGINT writes its checkpoint at the stop: the resume goes on after every epoch
// metrics.csv logged, not from the last periodic checkpoint (every 5 epochs here).
void check_resumes_where_it_stopped(const std::string& metrics_at_stop, const std::string& resumed_output) {
  const std::size_t logged = seqlab::test::count_of(metrics_at_stop, "\n") - 1;
  CAPTURE(logged);
  CHECK(contains(resumed_output, "resumed after epoch " + std::to_string(logged) + " "));
}

// Sanitizer builds run several times slower (tests/CMakeLists.txt): so must the kills' delays.
double time_scale() {
  const char* scale = std::getenv("SEQLAB_TEST_TIMEOUT_SCALE");
  return scale ? std::max(1.0, std::atof(scale)) : 1.0;
}

}  // namespace

TEST_CASE("a run stopped by SIGTERM, or killed between checkpoints, resumes to the uninterrupted run's bytes") {
  ScratchDir dir("resume");
  const std::string whole = dir / "whole";
  const auto uninterrupted = run_seqlab("run " + kExperiment + kCosine + " --out '" + whole + "'");
  INFO(uninterrupted.output);
  REQUIRE(uninterrupted.exit_code == 0);

  SUBCASE("SIGTERM: a checkpoint at once, the resume command printed, exit 143") {
    const std::string out = dir / "term";
    const auto stopped = interrupt(out, 12, "TERM");
    INFO(stopped.output);
    CHECK(contains(stopped.output, "exit=143"));
    CHECK(contains(stopped.output, "stopped by SIGTERM"));
    CHECK(contains(stopped.output, "resume with: seqlab resume '" + out + "'"));
    CHECK_FALSE(fs::exists(out + "/summary.json"));
    const std::string logged_at_stop = read_file(out + "/metrics.csv");
    const auto resumed = run_seqlab("resume '" + out + "' --no-plots");
    INFO(resumed.output);
    CHECK(resumed.exit_code == 0);
    check_resumes_where_it_stopped(logged_at_stop, resumed.output);
    check_same_results(whole, out);
  }
  SUBCASE("SIGINT (Ctrl-C): the same, with exit 130") {
    const std::string out = dir / "int";
    const auto stopped = interrupt(out, 12, "INT");
    INFO(stopped.output);
    CHECK(contains(stopped.output, "exit=130"));
    CHECK(contains(stopped.output, "resume with: seqlab resume '" + out + "'"));
    CHECK(fs::exists(out + "/checkpoint.bin"));
    CHECK_FALSE(fs::exists(out + "/summary.json"));
    const std::string logged_at_stop = read_file(out + "/metrics.csv");
    const auto resumed = run_seqlab("resume '" + out + "' --no-plots");
    INFO(resumed.output);
    CHECK(resumed.exit_code == 0);
    check_resumes_where_it_stopped(logged_at_stop, resumed.output);
    check_same_results(whole, out);
  }
  SUBCASE("SIGKILL after epoch 12: back to the checkpoint of epoch 10, the later lines of metrics.csv redone") {
    kill_and_resume(whole, dir / "kill", kCosine);
  }
  SUBCASE("a finished run trains on with --epochs, as if it had been started with that many") {
    const std::string longer = dir / "longer";
    REQUIRE(run_seqlab("run " + kExperiment + kCosine + " training.epochs=40 --out '" + longer + "'").exit_code == 0);
    const auto refused = run_seqlab("resume '" + longer + "' --no-plots");
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "give --epochs N"));
    // The cosine's period follows the epochs, so 40 + 20 is not a 60-epoch run; plateau's schedule does
    // not depend on the total, and its state (best loss, counters) must carry over.
    const std::string constant = " scheduler.plugin=plateau scheduler.patience=2";
    const std::string a = dir / "a", b = dir / "b";
    REQUIRE(run_seqlab("run " + kExperiment + constant + " --out '" + a + "'").exit_code == 0);
    REQUIRE(run_seqlab("run " + kExperiment + constant + " training.epochs=40 --out '" + b + "'").exit_code == 0);
    const auto extended = run_seqlab("resume '" + b + "' --epochs 60 --no-plots");
    INFO(extended.output);
    CHECK(extended.exit_code == 0);
    CHECK(contains(read_file(b + "/config.yaml"), "epochs: 60"));
    check_same_results(a, b);
  }
}

TEST_CASE("with validate_every, a run killed between checkpoints resumes to the uninterrupted run's bytes") {
  ScratchDir dir("resume-validate-every");
  // Validated every 4th epoch, checkpoints every 5th: the checkpoint of epoch 10 falls between two validations,
  // with plateau's count of bad validated epochs (patience 1) and keep: best's epoch in the state it carries.
  const std::string settings =
      " training.validate_every=4 scheduler.plugin=plateau scheduler.patience=1 scheduler.factor=0.5 "
      "training.keep=best";
  const std::string whole = dir / "whole";
  const auto uninterrupted = run_seqlab("run " + kExperiment + settings + " --out '" + whole + "'");
  INFO(uninterrupted.output);
  REQUIRE(uninterrupted.exit_code == 0);
  const std::string metrics = read_file(whole + "/metrics.csv");
  CHECK(seqlab::test::count_of(metrics, ",,") == 45);  // the 60 epochs but 4, 8, ..., 60: empty val_loss

  kill_and_resume(whole, dir / "kill", settings);
  CHECK(read_file(whole + "/summary.json").find("\"kept\": \"best\"") != std::string::npos);
}

TEST_CASE("SIGKILL at any instant, checkpoint writes included, leaves a checkpoint that loads") {
  ScratchDir dir("kill-anywhere");
  // A checkpoint every epoch, a big one (the order of 200,000 sequences, 1.6 MB) and short epochs of
  // tiny sequences: the writes take a good share of the time, so kills land in them.
  const std::string experiment =
      "experiments/sine_rnn.yaml dataset.num_samples=200000 dataset.seq_length=2 model.hidden_size=4 "
      "training.epochs=100000 training.checkpoint_every=1 training.log_every=0 --no-plots";
  int loaded = 0, mid_write = 0, kills = 0;
  // Sixteen kills at staggered instants, then more until one has landed while a checkpoint was being written
  // (its temporary, checkpoint.bin.XXXXXX.tmp, left behind): the title's case must have happened, not just
  // been likely.
  for (int k = 0; k < 64 && (k < 16 || mid_write == 0); ++k) {
    ++kills;
    CAPTURE(k);
    const std::string out = dir / ("run" + std::to_string(k));
    // Staggered instants after the first checkpoint, so that a slow start (a loaded machine) cannot
    // push every kill before it.
    const std::string delay = std::to_string(0.029 * (k % 16) * time_scale());
    const auto killed = run_shell("cd '" + std::string(SEQLAB_TEST_SOURCE_DIR) + "' && ('" + SEQLAB_TEST_BINARY +
                                  "' run " + experiment + " --out '" + out + "' > /dev/null 2>&1 & pid=$!; " +
                                  "for i in $(seq 3000); do [ -e '" + out + "/checkpoint.bin' ] && break; " +
                                  "sleep 0.01; done; sleep " + delay + "; kill -KILL $pid; wait $pid; echo exit=$?)");
    CHECK(contains(killed.output, "exit=137"));
    for (const auto& entry : fs::directory_iterator(out))
      if (entry.path().filename().string().rfind("checkpoint.bin.", 0) == 0 && entry.path().extension() == ".tmp") {
        ++mid_write;
        break;
      }
    REQUIRE(fs::exists(out + "/checkpoint.bin"));  // the kill came after the first one
    try {
      const seqlab::TrainingState state = seqlab::decode_checkpoint(read_file(out + "/checkpoint.bin"));
      CHECK(state.epochs_done >= 1);
      ++loaded;
    } catch (const seqlab::CheckpointError& e) {
      FAIL("checkpoint.bin does not load: ", e.what());
    }
  }
  MESSAGE(loaded, " of ", kills, " kills left a checkpoint that loads; ", mid_write,
          " landed while one was being written");
  CHECK(loaded == kills);
  CHECK(mid_write >= 1);
}

TEST_CASE("a damaged or foreign checkpoint is refused with what is wrong, and nothing is trained") {
  ScratchDir dir("bad-checkpoint");
  const std::string base = "run experiments/sine_rnn.yaml dataset.num_samples=100 training.epochs=3 --no-plots ";
  REQUIRE(run_seqlab(base + "--out '" + dir / "a" + "'").exit_code == 0);
  REQUIRE(run_seqlab(base + "model.hidden_size=8 --out '" + dir / "b" + "'").exit_code == 0);
  const std::string checkpoint = dir / "a/checkpoint.bin";
  const std::string good = read_file(checkpoint);
  // Everything the finished run wrote but its checkpoint: a refused resume must leave each byte as it was.
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "a"))
    if (entry.is_regular_file() && entry.path() != checkpoint) before[entry.path().string()] = read_file(entry.path());
  const auto unchanged = [&] {
    std::map<std::string, std::string> now;
    for (const auto& entry : fs::recursive_directory_iterator(dir / "a"))
      if (entry.is_regular_file() && entry.path() != checkpoint) now[entry.path().string()] = read_file(entry.path());
    return now == before;
  };

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  seqlab::test::write_file(checkpoint, flipped);
  auto r = run_seqlab("resume '" + dir / "a" + "' --epochs 6");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "checkpoint.bin: error: cannot be resumed from: its digest does not match"));
  CHECK(unchanged());

  seqlab::test::write_file(checkpoint, good.substr(0, good.size() / 3));
  r = run_seqlab("resume '" + dir / "a" + "' --epochs 6");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "cannot be resumed from"));
  CHECK(unchanged());

  // The hidden-8 run's checkpoint in the hidden-32 run's folder.
  seqlab::test::write_file(checkpoint, read_file(dir / "b/checkpoint.bin"));
  r = run_seqlab("resume '" + dir / "a" + "' --epochs 6");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "does not fit this experiment: its rnn.weight_ih_l0 has 8 values, the model's 32"));
  CHECK(unchanged());  // nothing trained: metrics.csv, weights, predictions and summary.json as they were
  CHECK(fs::exists(dir / "a/summary.json"));
}
