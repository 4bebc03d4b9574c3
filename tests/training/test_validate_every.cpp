// training.validate_every: which epochs get a validation loss, what metrics.csv and its readers make of
// the others, and early stopping counting validated epochs only.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "runs/run_folder.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

const std::string kSmall =
    "run experiments/sine_rnn.yaml dataset.num_samples=100 dataset.val_samples=50 training.log_every=0 --no-plots ";

// metrics.csv's data rows, each split into its cells (an empty cell stays, as "").
std::vector<std::vector<std::string>> rows(const std::string& run) {
  std::istringstream in(read_file(run + "/metrics.csv"));
  std::string line;
  std::getline(in, line);
  CHECK(line == "epoch,train_loss,val_loss,lr,grad_norm,seconds");
  std::vector<std::vector<std::string>> out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      cells.push_back(line.substr(start, comma - start));
    cells.push_back(line.substr(start));
    out.push_back(cells);
  }
  return out;
}

nlohmann::json summary(const std::string& run) { return nlohmann::json::parse(read_file(run + "/summary.json")); }

struct Stop {
  int epoch = 0, best = 0;
  double best_value = 0;
};

// Early stopping replayed on a validation column, looking only at the epochs in `validated`: what the
// trainer must do with validate_every when the losses are those of a run that validated every epoch.
Stop replay(const std::vector<std::vector<std::string>>& dense, int every, int patience, double min_delta) {
  Stop s;
  double best = INFINITY;
  int without = 0;
  for (const auto& row : dense) {
    const int epoch = std::stoi(row[0]);
    s.epoch = epoch;
    if (epoch % every != 0 && epoch != static_cast<int>(dense.size())) continue;
    const double v = std::stod(row[2]);
    if (v < best - min_delta) {
      best = v;
      s.best = epoch;
      s.best_value = v;
      without = 0;
    } else if (++without >= patience) {
      break;
    }
  }
  return s;
}

}  // namespace

TEST_CASE("validate_every 3 over 10 epochs validates epochs 3, 6, 9 and 10, the others' val_loss empty") {
  ScratchDir dir("validate-every");
  const std::string every1 = dir / "every1", every3 = dir / "every3";
  REQUIRE(run_seqlab(kSmall + "training.epochs=10 --out '" + every1 + "'").exit_code == 0);
  const auto run = run_seqlab(kSmall + "training.epochs=10 training.validate_every=3 --out '" + every3 + "'");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const auto dense = rows(every1), sparse = rows(every3);
  REQUIRE(dense.size() == 10);
  REQUIRE(sparse.size() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    const int epoch = static_cast<int>(i) + 1;
    CAPTURE(epoch);
    REQUIRE(sparse[i].size() == 6);  // a well-formed row: the missing value is an empty cell
    CHECK(sparse[i][0] == std::to_string(epoch));
    const bool validated = epoch == 3 || epoch == 6 || epoch == 9 || epoch == 10;
    CHECK(sparse[i][2] == (validated ? dense[i][2] : ""));
    CHECK_FALSE(dense[i][2].empty());
    // Validation draws nothing and changes nothing: training goes exactly as when every epoch is validated.
    for (std::size_t column : {1, 3, 4}) CHECK(sparse[i][column] == dense[i][column]);
  }
  CHECK(contains(read_file(every3 + "/config.yaml"), "validate_every: 3"));
  for (const auto& entry : fs::directory_iterator(every1 + "/weights"))
    CHECK(read_file(entry.path().string()) == read_file(every3 + "/weights/" + entry.path().filename().string()));

  // summary.json: the last epoch's loss, the best of the validated ones.
  const auto s = summary(every3);
  CHECK(s["final_val_loss"].get<double>() == std::stod(sparse[9][2]));
  double best = INFINITY;
  for (std::size_t i : {2, 5, 8, 9}) best = std::min(best, std::stod(sparse[i][2]));
  CHECK(s["best_val_loss"].get<double>() == best);

  // Read back for plots, the gaps are NaN (which the plots leave out), not zeros and not a lost column.
  const seqlab::LossCurve curve = seqlab::read_loss_curve(every3 + "/metrics.csv");
  REQUIRE(curve.val_loss.size() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    if (sparse[i][2].empty())
      CHECK(std::isnan(curve.val_loss[i]));
    else
      CHECK(curve.val_loss[i] == std::stod(sparse[i][2]));
  }

  // compare reads the runs' summaries and curves: both ranked by their (validated) final val_loss.
  const auto compared = run_seqlab("compare '" + every1 + "' '" + every3 + "' --out '" + (dir / "cmp") + "'");
  INFO(compared.output);
  CHECK(compared.exit_code == 0);
  CHECK(contains(compared.output, "validate_every"));
  CHECK(seqlab::test::count_of(compared.output, "| completed |") == 2);
  const std::string overlay = read_file(dir / "cmp/loss_overlay.dat");
  CHECK(seqlab::test::count_of(overlay, " NaN\n") == 6);  // the skipped epochs, left out of the drawn line
  CHECK(contains(read_file(dir / "cmp/loss_overlay.gp"), "set datafile missing NaN"));

  // resume --epochs 14: the schedule goes on (12) and the new last epoch (14) is validated too.
  const auto resumed = run_seqlab("resume '" + every3 + "' --epochs 14 --no-plots");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  const auto longer = rows(every3);
  REQUIRE(longer.size() == 14);
  for (std::size_t i = 0; i < 14; ++i) {
    CAPTURE(i + 1);
    CHECK(longer[i][2].empty() ==
          (i + 1 != 3 && i + 1 != 6 && i + 1 != 9 && i + 1 != 10 && i + 1 != 12 && i + 1 != 14));
  }
}

TEST_CASE("early stopping on val_loss counts validated epochs only, and keep: best picks a validated one") {
  ScratchDir dir("validate-every-stop");
  const std::string base = "run experiments/sine_rnn.yaml dataset.num_samples=200 training.log_every=0 --no-plots ";
  const int every = 5, patience = 3;
  const double min_delta = 1e-3;
  // The validation losses of every epoch: validate_every leaves training alone, so these are the losses a run
  // validating every 5th epoch sees at those epochs.
  REQUIRE(run_seqlab(base + "training.epochs=300 --out '" + (dir / "dense") + "'").exit_code == 0);
  const Stop expected = replay(rows(dir / "dense"), every, patience, min_delta);
  REQUIRE(expected.epoch < 300);  // the replay did stop
  // Three validated epochs without an improvement: 15 epochs, not 3 (which counting the skipped ones would give).
  CHECK(expected.epoch - expected.best == patience * every);

  const std::string sparse = dir / "sparse";
  const auto run =
      run_seqlab(base + "training.epochs=300 training.validate_every=5 training.early_stopping.patience=3 " +
                 "training.early_stopping.min_delta=1e-3 --out '" + sparse + "'");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.output, "no val_loss improvement for 3 validated epochs"));
  const auto s = summary(sparse);
  CHECK(s["stopped_early"] == true);
  CHECK(s["epochs"] == expected.epoch);
  CHECK(s["weights"]["kept"] == "best");
  CHECK(s["weights"]["epoch"] == expected.best);
  CHECK(s["weights"]["value"].get<double>() == expected.best_value);
  // The kept weights are those after epoch `best`: a run of exactly that many epochs ends with them.
  const std::string shorter = dir / "short";
  REQUIRE(
      run_seqlab(base + "training.epochs=" + std::to_string(expected.best) + " --out '" + shorter + "'").exit_code ==
      0);
  for (const auto& entry : fs::directory_iterator(shorter + "/weights"))
    CHECK(read_file(entry.path().string()) == read_file(sparse + "/weights/" + entry.path().filename().string()));
}

TEST_CASE("early stopping on train_loss is unchanged by validate_every, and validates the epoch it stops at") {
  ScratchDir dir("validate-every-train");
  const std::string base =
      "run experiments/sine_rnn.yaml dataset.num_samples=200 training.log_every=0 --no-plots training.epochs=300 "
      "training.early_stopping.metric=train_loss training.early_stopping.patience=2 "
      "training.early_stopping.min_delta=1e-3 ";
  REQUIRE(run_seqlab(base + "--out '" + (dir / "dense") + "'").exit_code == 0);
  const auto dense = rows(dir / "dense");
  const int stop = static_cast<int>(dense.size());
  REQUIRE(stop < 300);
  // Validated only where it stops: every one before is skipped (stop % (stop + 1) != 0).
  const auto run =
      run_seqlab(base + "training.validate_every=" + std::to_string(stop + 1) + " --out '" + (dir / "sparse") + "'");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const auto sparse = rows(dir / "sparse");
  REQUIRE(sparse.size() == dense.size());
  for (std::size_t i = 0; i < sparse.size(); ++i) {
    CAPTURE(i + 1);
    CHECK(sparse[i][1] == dense[i][1]);
    CHECK(sparse[i][2] == (i + 1 == sparse.size() ? dense[i][2] : ""));
  }
  CHECK(summary(dir / "sparse")["final_val_loss"].get<double>() == std::stod(dense.back()[2]));
}

TEST_CASE("a sweep with validate_every: its summary, plots and report read the gaps") {
  ScratchDir dir("validate-every-sweep");
  seqlab::test::write_file(dir / "exp.yaml", seqlab::test::replaced(seqlab::test::kTinyLrSweep, "log_every: 1}",
                                                                    "log_every: 1, validate_every: 2}"));
  const std::string sweep = dir / "sw";
  const auto result = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --jobs 2 --out '" + sweep + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  // Every trial ranked by a final val_loss (epoch 3 of 3 is validated): three numbers, no empty cell.
  std::istringstream csv(read_file(sweep + "/summary.csv"));
  std::string line;
  std::getline(csv, line);
  int trials = 0;
  while (std::getline(csv, line)) {
    CAPTURE(line);
    CHECK(contains(line, ",completed,"));
    CHECK_FALSE(contains(line, ",,"));
    ++trials;
  }
  CHECK(trials == 3);
  CHECK(contains(read_file(sweep + "/best_trials.dat"), " NaN\n"));  // epoch 1 of each, left out of the lines
  CHECK(contains(read_file(sweep + "/report.html"), "<h1>Sweep: tiny</h1>"));
  const auto again = run_seqlab("report '" + sweep + "'");
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "(3 runs, ranked by final val_loss)"));
}
