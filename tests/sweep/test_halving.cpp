// Successive halving (sweep.scheduler): budgets, promotions, no epoch trained twice, kill -9 and resume;
// and a sweep whose trials ran at different thread counts summarises as a clean one.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "sweep/halving.hpp"
#include "sweep/sweep_fixture.hpp"

namespace fs = std::filesystem;
using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// Nine learning rates of a small rnn: rungs of 2, 6 and 18 epochs (reduction factor 3).
const char* const kHalving = R"(name: halving
seed: 0
dataset:   {plugin: sine, num_samples: 150, val_samples: 20, seq_length: 10, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 4, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 100, batch_size: 0, log_every: 0}
sweep:
  scheduler: {plugin: halving, min_epochs: 2, max_epochs: 18, reduction_factor: 3}
  parameters:
    optimizer.lr: [0.001, 0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3]
)";

// The val_loss column of metrics.csv, one value per epoch row, in order; and each row's epoch.
std::vector<std::pair<int, double>> val_losses(const std::string& metrics_csv) {
  std::vector<std::pair<int, double>> rows;
  const auto lines = seqlab::test::lines_of(read_file(metrics_csv));
  for (std::size_t k = 1; k < lines.size(); ++k) {
    if (lines[k].empty()) continue;
    const std::size_t a = lines[k].find(','), b = lines[k].find(',', a + 1), c = lines[k].find(',', b + 1);
    rows.emplace_back(std::stoi(lines[k].substr(0, a)), std::stod(lines[k].substr(b + 1, c - b - 1)));
  }
  return rows;
}

// summary.csv without its seconds column: what two sweeps of the same trials must share.
std::string summary_without_seconds(const std::string& dir) {
  std::string out;
  for (const std::string& line : seqlab::test::lines_of(read_file(dir + "/summary.csv"))) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
    if (fields.size() < 2) continue;
    fields.erase(fields.end() - 2);  // seconds (run_folder is last and differs by --out too)
    fields.pop_back();
    for (const auto& f : fields) out += f + ",";
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("halving: rung budgets and promotions") {
  CHECK(seqlab::rung_epochs({2, 18, 3}) == std::vector<int>{2, 6, 18});
  CHECK(seqlab::rung_epochs({5, 45, 3}) == std::vector<int>{5, 15, 45});
  CHECK(seqlab::rung_epochs({5, 40, 3}) == std::vector<int>{5, 15, 40});  // the last capped at max
  CHECK(seqlab::rung_epochs({10, 10, 2}) == std::vector<int>{10});
  const double nan = std::nan("");
  // Lowest first; ties keep the sweep's order; positions come back in sweep order.
  CHECK(seqlab::promoted({0.5, 0.1, 0.3, 0.2, 0.9, 0.1}, 3) == std::vector<std::size_t>{1, 5});
  CHECK(seqlab::promoted({0.5, 0.1, 0.3, 0.2, 0.9, 0.1}, 2) == std::vector<std::size_t>{1, 3, 5});
  CHECK(seqlab::promoted({0.4, 0.2}, 3) == std::vector<std::size_t>{1});  // at least one goes on
  CHECK(seqlab::promoted({nan, 0.7, nan}, 2) == std::vector<std::size_t>{1});
  CHECK(seqlab::promoted({nan, nan}, 2).empty());  // a failed trial never goes on
}

TEST_CASE("halving: the best third go on from their checkpoints, no epoch trained twice, kill -9 resumes") {
  ScratchDir dir("halving");
  write_file(dir / "exp.yaml", kHalving);
  const auto clean = run_seqlab("sweep '" + dir / "exp.yaml" + "' --jobs 2 --out '" + dir / "clean" + "'");
  INFO(clean.output);
  REQUIRE(clean.exit_code == 0);
  CHECK(contains(clean.output, "rung 1/3: 9 trials to 2 epochs"));
  CHECK(contains(clean.output, "rung 3/3: 1 trials to 18 epochs"));

  // The promotions, computed here from each trial's own metrics.csv (val_loss at the rung's last epoch).
  std::map<std::string, std::vector<std::pair<int, double>>> curves;
  for (const auto& entry : fs::directory_iterator(dir / "clean/trials"))
    curves[entry.path().filename().string()] = val_losses(entry.path().string() + "/metrics.csv");
  REQUIRE(curves.size() == 9);
  std::vector<std::string> in;
  for (const auto& [id, curve] : curves) in.push_back(id);
  const std::vector<int> budgets{2, 6, 18};
  for (std::size_t rung = 0; rung + 1 < budgets.size(); ++rung) {
    std::vector<std::string> ranked = in;
    std::stable_sort(ranked.begin(), ranked.end(), [&](const std::string& a, const std::string& b) {
      return curves[a][budgets[rung] - 1].second < curves[b][budgets[rung] - 1].second;
    });
    ranked.resize(std::max<std::size_t>(1, in.size() / 3));
    for (const std::string& id : in) {  // went on exactly if ranked among the best third
      CAPTURE(rung);
      CAPTURE(id);
      const bool best = std::find(ranked.begin(), ranked.end(), id) != ranked.end();
      CHECK((static_cast<int>(curves[id].size()) > budgets[rung]) == best);
    }
    in = ranked;
  }
  for (const auto& [id, curve] : curves) {
    CAPTURE(id);
    const bool last = std::find(in.begin(), in.end(), id) != in.end();
    CHECK((curve.size() == 2 || curve.size() == 6 || curve.size() == 18));
    CHECK((curve.size() == 18) == last);
    for (std::size_t k = 0; k < curve.size(); ++k) CHECK(curve[k].first == static_cast<int>(k) + 1);  // once each
    const auto record = nlohmann::json::parse(read_file(dir / ("clean/trials/" + id + "/sweep_trial.json")));
    CHECK(record["rungs"].size() == (curve.size() == 2 ? 1u : curve.size() == 6 ? 2u : 3u));
  }

  // kill -9 of the sweep (and its children) while the second rung runs, then the same command again.
  const std::string command = "'" + std::string(SEQLAB_TEST_BINARY) + "' sweep '" + dir / "exp.yaml" +
                              "' --jobs 2 --out '" + dir / "killed" + "'";
  const auto killed =
      run_shell("cd '" + std::string(SEQLAB_TEST_SOURCE_DIR) + "' && (setsid " + command + " > '" + dir / "log" +
                "' 2>&1 & pid=$!; for i in $(seq 600); do grep -q 'rung 2/3' '" + dir / "log" +
                "' && break; sleep 0.02; done; kill -KILL -$pid; wait $pid; " + "echo exit=$?)");
  CHECK(contains(killed.output, "exit=137"));
  const auto resumed = run_seqlab("sweep '" + dir / "exp.yaml" + "' --jobs 1 --out '" + dir / "killed" + "'");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(summary_without_seconds(dir / "killed") == summary_without_seconds(dir / "clean"));
  CHECK(read_file(dir / "killed/best.json").find("\"optimizer.lr\"") != std::string::npos);
}

TEST_CASE("a sweep run at --jobs 1 (2 threads a trial) and resumed at --jobs 2 (1 thread) summarises as a clean one") {
  ScratchDir dir("jobs");
  // 200 sequences: one reduction block, trained as two shards, so the thread count could matter.
  write_file(dir / "exp.yaml", R"(name: jobs
seed: 1
dataset:   {plugin: sine, num_samples: 220, val_samples: 20, seq_length: 12, shift: 0.1, target: last}
model:     {plugin: lstm, hidden_size: 8, num_layers: 2, dropout: 0.1}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: 6, batch_size: 0, log_every: 0}
sweep:
  parameters:
    model.hidden_size: [8, 9, 10, 11]
)");
  const std::string sweep = "sweep '" + dir / "exp.yaml" + "' ";
  REQUIRE(run_seqlab(sweep + "--jobs 2 --out '" + dir / "clean" + "'").exit_code == 0);
  // Half the trials at --jobs 1 (as the first of two shards), the rest by the resumed sweep at --jobs 2.
  REQUIRE(run_seqlab(sweep + "--jobs 1 --shard 1/2 --out '" + dir / "mixed" + "'").exit_code == 0);
  const auto resumed = run_seqlab(sweep + "--jobs 2 --out '" + dir / "mixed" + "'");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(contains(resumed.output, "skipped 2 finished trials"));
  CHECK(summary_without_seconds(dir / "mixed") == summary_without_seconds(dir / "clean"));
}
