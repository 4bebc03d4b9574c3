// `seqlab call` (framework/src/cli/call_command.cpp, runs/plugin_call.cpp, runs/call_kinds.cpp,
// runs/call_scheduler.cpp, runs/call_files.cpp): each kind's outputs against finite differences or the formula,
// and every refusal naming what was wrong. PyTorch itself is the reference in tests/cli/call_torch_test.py.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "runs/npy.hpp"
#include "runs/plugin_call.hpp"
#include "support/process.hpp"

namespace {

namespace fs = std::filesystem;
using seqlab::CallOptions;
using seqlab::NpyArray;
using seqlab::read_npy;
using seqlab::write_npy;
using seqlab::test::contains;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

std::vector<float> values(const std::string& path) { return read_npy(path).data; }

double sum(const std::vector<float>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// sum(output) of `lstm` (hidden_size 3) on the arrays in `in`, written to a fresh `out`.
double lstm_sum(const std::string& in, const std::string& out) {
  CallOptions options;
  options.plugin = "lstm";
  options.settings = {"hidden_size=3"};
  options.input = in;
  options.out = out;
  REQUIRE(seqlab::call_plugin(options) == 0);
  return sum(values(out + "/output.npy"));
}

}  // namespace

TEST_CASE("call on a model writes its output and every parameter's gradient, which finite differences confirm") {
  ScratchDir dir("call-model");
  CallOptions options;
  options.plugin = "lstm";
  options.settings = {"hidden_size=3"};
  options.out = dir / "base";
  REQUIRE(seqlab::call_plugin(options) == 0);
  const std::string base = dir / "base";
  CHECK(read_npy(base + "/x.npy").shape == std::vector<std::size_t>{2, 5, 3});
  CHECK(read_npy(base + "/output.npy").shape == std::vector<std::size_t>{2, 1, 1});
  const NpyArray weight = read_npy(base + "/lstm.weight_hh_l0.npy");
  CHECK(weight.shape == std::vector<std::size_t>{12, 3});

  // The --out folder given back as --input gives the same output: the defaults are what was written, and the
  // outputs in it are let through.
  CHECK(lstm_sum(base, dir / "again") == sum(values(base + "/output.npy")));
  fs::copy(base, dir / "in");

  // d sum(output) / d weight, by central differences, at a few entries of each of two parameters.
  const double h = 1e-2;
  int run = 0;
  for (const char* name : {"lstm.weight_hh_l0", "fc.weight"}) {
    const NpyArray original = read_npy(base + "/" + name + ".npy");
    const std::vector<float> grad = values(base + "/grad_" + name + ".npy");
    for (std::size_t i : {std::size_t{0}, original.data.size() / 2, original.data.size() - 1}) {
      CAPTURE(name);
      CAPTURE(i);
      double f[2];
      for (int sign = 0; sign < 2; ++sign) {
        std::vector<float> moved = original.data;
        moved[i] += static_cast<float>(sign ? -h : h);
        write_npy(dir / ("in/" + std::string(name) + ".npy"), moved.data(), original.shape);
        f[sign] = lstm_sum(dir / "in", dir / ("fd" + std::to_string(run++)));
      }
      write_npy(dir / ("in/" + std::string(name) + ".npy"), original.data.data(), original.shape);
      CHECK((f[0] - f[1]) / (2 * h) == doctest::Approx(grad[i]).epsilon(2e-2).scale(1e-3));
    }
  }

  // A given grad_output is the output's gradient: twice the ones doubles every parameter's gradient.
  const std::vector<float> twos(2, 2.0f);
  write_npy(dir / "in/grad_output.npy", twos.data(), {2, 1, 1});
  lstm_sum(dir / "in", dir / "doubled");
  const std::vector<float> once = values(base + "/grad_lstm.weight_ih_l0.npy");
  const std::vector<float> twice = values(dir / "doubled/grad_lstm.weight_ih_l0.npy");
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(twice[i] == doctest::Approx(2 * once[i]).epsilon(1e-5));
}

TEST_CASE("call on a loss, an optimizer, a scheduler and a dataset writes what their formulas give") {
  ScratchDir dir("call-kinds");
  fs::create_directory(dir / "loss");
  const std::vector<float> p = {1, 2, 3, 4, 5, 6}, t = {0, 2, 1, 4, 8, 6};
  write_npy(dir / "loss/prediction.npy", p.data(), {1, 3, 2});
  write_npy(dir / "loss/target.npy", t.data(), {1, 3, 2});
  auto r = run_seqlab("call mse --input '" + (dir / "loss") + "' --out '" + (dir / "loss_out") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.output, "loss.npy ()"));
  CHECK(values(dir / "loss_out/loss.npy").at(0) == doctest::Approx((1 + 4 + 9) / 6.0));
  const std::vector<float> grad = values(dir / "loss_out/grad_prediction.npy");
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(grad[i] == doctest::Approx(2 * (p[i] - t[i]) / 6.0));

  // sgd, twice with the same gradient: w - 2 lr g.
  fs::create_directory(dir / "opt");
  const std::vector<float> w = {1, -2, 3}, g = {0.5f, 1, -1};
  write_npy(dir / "opt/w.npy", w.data(), {3});
  write_npy(dir / "opt/grad_w.npy", g.data(), {3});
  r = run_seqlab("call sgd --set lr=0.25 --steps 2 --input '" + (dir / "opt") + "' --out '" + (dir / "opt_out") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::vector<float> updated = values(dir / "opt_out/w.npy");
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(updated[i] == doctest::Approx(w[i] - 0.5 * g[i]));

  r = run_seqlab("call step --set step_size=2 --set gamma=0.5 --epochs 5 --base-lr 1 --out '" + (dir / "lr") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(values(dir / "lr/lr.npy") == std::vector<float>{1, 1, 0.5f, 0.5f, 0.25f});

  r = run_seqlab("call sine --set num_samples=7 --set val_samples=0 --set seq_length=4 --out '" + (dir / "data") + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(read_npy(dir / "data/train_inputs.npy").shape == std::vector<std::size_t>{7, 4, 1});
  CHECK_FALSE(fs::exists(dir / "data/validation_inputs.npy"));  // an empty split is not written
}

TEST_CASE("call refuses an unknown plugin, a misfit or misnamed array and a used --out, saying what would be right") {
  ScratchDir dir("call-errors");
  auto r = run_seqlab("call lsmt --out '" + (dir / "o1") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "no plugin named 'lsmt' (known: "));
  CHECK(contains(r.output, "did you mean 'lstm'?"));

  fs::create_directory(dir / "in");
  const std::vector<float> six(6, 0.5f);
  write_npy(dir / "in/fc.weight.npy", six.data(), {6});
  r = run_seqlab("call lstm --set hidden_size=4 --input '" + (dir / "in") + "' --out '" + (dir / "o2") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "fc.weight.npy: error: expected shape (1, 4), found (6,)"));

  fs::remove(dir / "in/fc.weight.npy");
  write_npy(dir / "in/weight_ih_l0.npy", six.data(), {6});  // torch's name inside the LSTM, without "lstm."
  r = run_seqlab("call lstm --input '" + (dir / "in") + "' --out '" + (dir / "o3") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output,
                 "weight_ih_l0.npy: error: model plugin 'lstm' reads no such file; did you mean "
                 "lstm.weight_ih_l0.npy?"));

  fs::remove(dir / "in/weight_ih_l0.npy");
  // An int64 array, as np.save(np.arange(3)) writes one.
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
  header.append(128 - 10 - header.size() - 1, ' ');  // the preamble padded to 128 bytes
  header += '\n';
  seqlab::test::write_file(dir / "in/x.npy", std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) + '\0' + header +
                                                 std::string(24, '\0'));
  r = run_seqlab("call lstm --input '" + (dir / "in") + "' --out '" + (dir / "o4") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "x.npy: error: "));
  CHECK(contains(r.output, "'i8'"));

  write_npy(dir / "in/x.npy", six.data(), {6});
  r = run_seqlab("call lstm --input '" + (dir / "in") + "' --out '" + (dir / "o5") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "expected 3 dimensions (batch, steps, features), found shape (6,)"));

  r = run_seqlab("call mse --out '" + (dir / "in") + "'");  // not empty: never written over
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "already exists and is not empty"));

  fs::create_directory(dir / "opt");
  write_npy(dir / "opt/w.npy", six.data(), {6});
  r = run_seqlab("call adam --input '" + (dir / "opt") + "' --out '" + (dir / "o6") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "w.npy: error: has no gradient beside it; give grad_w.npy of the same shape"));

  r = run_seqlab("call lstm --set hidden_sise=3 --out '" + (dir / "o7") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "did you mean 'hidden_size'?"));

  r = run_seqlab("call lstm --set head=sequence --out '" + (dir / "o8") + "'");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "--set head"));
}
