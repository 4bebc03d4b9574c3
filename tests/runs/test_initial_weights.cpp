// model.init_from and tools/torch2seqlab / tools/seqlab2torch: weights from a run or from PyTorch, and back.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace {

// The last line's validation loss in a run's metrics.csv, as written.
std::string last_val_loss(const std::string& run) {
  std::istringstream in(read_file(run + "/metrics.csv"));
  std::string line, last;
  while (std::getline(in, line)) last = line;
  std::istringstream cells(last);
  std::string cell;
  for (int i = 0; i < 3; ++i) std::getline(cells, cell, ',');
  return cell;
}

const std::string kRun = "run experiments/sine_lstm.yaml dataset.num_samples=200 --no-plots ";

}  // namespace

TEST_CASE("a model starts from a run's weights with model.init_from") {
  ScratchDir dir("init-from");
  REQUIRE(run_seqlab(kRun + "training.epochs=5 --out '" + dir / "a" + "'").exit_code == 0);
  // One step of plain SGD at a rate too small to move a float: B's weights stay A's, so its validation
  // loss after epoch 1 is A's last one, to the last digit.
  const auto b = run_seqlab(kRun + "training.epochs=1 optimizer.plugin=sgd optimizer.lr=1e-30 model.init_from='" +
                            dir / "a" + "' --out '" + dir / "b" + "'");
  INFO(b.output);
  REQUIRE(b.exit_code == 0);
  CHECK(last_val_loss(dir / "b") == last_val_loss(dir / "a"));
  // The path is recorded absolute in config.yaml: the run reproduces from anywhere.
  CHECK(contains(read_file(dir / "b/config.yaml"), "init_from: " + dir / "a"));

  // Weights of another shape: every mismatch listed, at the setting, nothing trained.
  const auto wrong =
      run_seqlab(kRun + "model.hidden_size=16 model.init_from='" + dir / "a" + "' --out '" + dir / "c" + "'");
  INFO(wrong.output);
  CHECK(wrong.exit_code == 2);
  CHECK(contains(wrong.output, "model.init_from"));
  CHECK(contains(wrong.output, "5 problem(s)"));  // all but fc.bias, whose shape does not depend on the hidden size
  CHECK(contains(wrong.output, "lstm.weight_hh_l0: the file has shape (128, 32), the model needs (64, 16)"));
  CHECK_FALSE(std::filesystem::exists(dir / "c"));
  // A weight the model lacks is a mismatch too.
  const auto extra =
      run_seqlab(kRun + "model.num_layers=2 model.init_from='" + dir / "a" + "' --out '" + dir / "d" + "'");
  CHECK(extra.exit_code == 2);
  CHECK(contains(extra.output, "lstm.weight_ih_l1: no lstm.weight_ih_l1.npy"));
}

TEST_CASE("seqlab2torch and torch2seqlab carry weights to PyTorch's modules and back, bit for bit") {
  if (run_shell("/usr/bin/python3 -c 'import torch'").exit_code != 0) {
    seqlab::test::missing_prerequisite("Debian's python3-torch", "tools/setup --with-test-packages installs it");
    return;
  }
  ScratchDir dir("torch-weights");
  REQUIRE(run_seqlab(kRun + "training.epochs=3 --out '" + dir / "run" + "'").exit_code == 0);
  const std::string tools = std::string(SEQLAB_TEST_SOURCE_DIR) + "/tools/";
  const auto to_torch = run_shell(tools + "seqlab2torch '" + dir / "run" + "' '" + dir / "model.pt" + "'");
  INFO(to_torch.output);
  REQUIRE(to_torch.exit_code == 0);
  // PyTorch's own modules take the file as it is: strict names and shapes.
  const auto loads = run_shell(
      "/usr/bin/python3 -c \"import torch, torch.nn as nn\n"
      "class Net(nn.Module):\n"
      "    def __init__(self):\n"
      "        super().__init__(); self.lstm = nn.LSTM(1, 32, batch_first=True); self.fc = nn.Linear(32, 1)\n"
      "Net().load_state_dict(torch.load('" +
      dir / "model.pt" + "'), strict=True); print('loaded')\"");
  INFO(loads.output);
  CHECK(contains(loads.output, "loaded"));
  const auto back = run_shell(tools + "torch2seqlab '" + dir / "model.pt" + "' '" + dir / "back" + "'");
  INFO(back.output);
  REQUIRE(back.exit_code == 0);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "run/weights")) {
    CAPTURE(entry.path().filename().string());
    CHECK(read_file(entry.path().string()) == read_file(dir / "back/" + entry.path().filename().string()));
    ++files;
  }
  CHECK(files == 6);
  // And seqlab trains on from them.
  const auto tuned =
      run_seqlab(kRun + "training.epochs=2 model.init_from='" + dir / "back" + "' --out '" + dir / "tuned" + "'");
  INFO(tuned.output);
  CHECK(tuned.exit_code == 0);
}
