// Weight files from elsewhere: a .npy header that lies about its shape, a FIFO, a folder or a device in place of a
// weight, non-finite values. Each is refused naming the file, at once, with nothing allocated for the lie.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "runs/npy.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

// A .npy file of format `version` with `header` (padded as numpy pads it) and `data` after it.
std::string npy_bytes(const std::string& header, const std::string& data = "", int version = 1) {
  const std::size_t length_bytes = version == 1 ? 2 : 4;
  std::string padded = header;
  while ((8 + length_bytes + padded.size() + 1) % 64 != 0) padded += ' ';
  padded += '\n';
  std::string bytes("\x93NUMPY", 6);
  bytes += static_cast<char>(version);
  bytes += '\0';
  for (std::size_t i = 0; i < length_bytes; ++i) bytes += static_cast<char>((padded.size() >> (8 * i)) & 0xff);
  return bytes + padded + data;
}

std::string header_for(const std::string& shape, const std::string& descr = "<f4") {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

std::string floats(const std::vector<float>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a .npy whose header claims more data than the file holds is refused at once, nothing allocated") {
  ScratchDir dir("npy-hostile");
  const std::string lie = dir / "lie.npy";
  write_file(lie, npy_bytes(header_for("(1000000000,)")));
  REQUIRE(read_file(lie).size() == 128);  // the reviewer's file: 3.9 GB allocated for 20 s before
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(seqlab::read_npy(lie),
                       doctest::Contains("lie.npy: its header's shape (1000000000,) needs more data than the file "
                                         "holds (0 bytes after the header)"),
                       std::runtime_error);
  CHECK(seconds_since(start) < 0.1 * seqlab::test::timeout_scale());

  // A product that overflows 64 bits, a size past any integer, a header longer than the file or than any
  // float array's: each refused by arithmetic on the header alone.
  write_file(dir / "overflow.npy", npy_bytes(header_for("(4294967296, 4294967296, 16)"), floats({1})));
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "overflow.npy"), doctest::Contains("needs more data than the file"),
                       std::runtime_error);
  write_file(dir / "huge.npy", npy_bytes(header_for("(99999999999999999999999,)")));
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "huge.npy"), doctest::Contains("has a size too large for any file"),
                       std::runtime_error);
  std::string long_header = npy_bytes(header_for("(1,)"), "", 2);
  long_header[8] = '\0', long_header[9] = '\0', long_header[10] = '\0', long_header[11] = '\x7f';  // 2 GiB
  write_file(dir / "long.npy", long_header);
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "long.npy"), doctest::Contains("its header claims 2130706432 bytes"),
                       std::runtime_error);
  // A header of 64 KiB of dimensions: parsed by hand, no regular expression to recurse on it.
  std::string many = "(";
  for (int i = 0; i < 20000; ++i) many += "1, ";
  write_file(dir / "many.npy", npy_bytes(header_for(many + ")"), "", 2));
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "many.npy"), doctest::Contains("more than 64 dimensions"),
                       std::runtime_error);
}

TEST_CASE("read_npy reads exactly what the header says and refuses every other dtype or layout") {
  ScratchDir dir("npy-exact");
  write_file(dir / "v2.npy", npy_bytes(header_for("(2, 1)"), floats({1.5f, -2}), 2));
  const auto v2 = seqlab::read_npy(dir / "v2.npy");
  CHECK(v2.shape == std::vector<std::size_t>{2, 1});
  CHECK(v2.data == std::vector<float>{1.5f, -2});
  write_file(dir / "empty.npy", npy_bytes(header_for("(0, 7)")));
  CHECK(seqlab::read_npy(dir / "empty.npy").data.empty());

  const std::pair<std::string, std::string> refused[] = {
      {npy_bytes(header_for("(2,)"), floats({1, 2, 3})), "needs 8 bytes of data, the file has 12 after the header"},
      {npy_bytes(header_for("(2,)", ">f4"), floats({1, 2})), "only little-endian float32/float64"},
      {npy_bytes(header_for("(2,)", "<i8"), floats({1, 2, 3, 4})), "its dtype is 'i8'"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", floats({1, 2})), "Fortran-order"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", floats({1, 2})), "has the key 'x'"},
      {npy_bytes("{'descr': '<f4', 'shape': (2,), }", floats({1, 2})), "lacks one of descr, fortran_order and shape"},
      {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", ""), "ends in the middle"},
      {std::string("\x93NUMPY\x09\x00", 8), "format version 9"},
      {"not numpy at all", "not a .npy file"},
  };
  for (const auto& [bytes, needle] : refused) {
    CAPTURE(needle);
    write_file(dir / "bad.npy", bytes);
    CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "bad.npy"), doctest::Contains(needle.c_str()), std::runtime_error);
  }
}

TEST_CASE("a weight that is a FIFO, a folder or a device is refused without being opened to read") {
  ScratchDir dir("npy-special");
  REQUIRE(::mkfifo((dir / "fifo.npy").c_str(), 0600) == 0);
  fs::create_directory(dir / "folder.npy");
  fs::create_symlink("/dev/zero", dir / "device.npy");
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "fifo.npy"), doctest::Contains("fifo.npy: is a FIFO (named pipe)"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "folder.npy"), doctest::Contains("is a folder, not a regular file"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "device.npy"), doctest::Contains("is a device, not a regular file"),
                       std::runtime_error);
  CHECK(seconds_since(start) < 0.1 * seqlab::test::timeout_scale());
}

TEST_CASE("eval, predict and init_from refuse a lying, special or non-finite weight file, naming it") {
  ScratchDir dir("npy-run");
  const std::string run = dir / "run";
  const auto made = run_seqlab(
      "run experiments/sine_rnn.yaml dataset.num_samples=50 training.epochs=2 --no-plots "
      "--out '" +
      run + "'");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  const std::string bias = run + "/weights/fc.bias.npy";
  const std::string good = read_file(bias);

  auto refused = [&](const std::string& needle) {
    for (const std::string& command : {"eval '" + run + "' --no-plots --out '" + dir / "eval" + "'",
                                       "predict '" + run + "' --steps 1 --out '" + dir / "predict" + "'"}) {
      CAPTURE(command);
      const auto start = std::chrono::steady_clock::now();
      const auto r = run_seqlab(command, "", seqlab::test::kRefusalSeconds);
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.output, run + "/weights: error: the weights do not fit the model"));
      CHECK(contains(r.output, needle));
      CHECK(seconds_since(start) < 2.0 * seqlab::test::timeout_scale());
    }
    CHECK_FALSE(fs::exists(dir / "eval"));
    CHECK_FALSE(fs::exists(dir / "predict"));
    // model.init_from reads the same files the same way, and validate checks it as run does.
    for (const std::string& command : {std::string("validate"), std::string("run")}) {
      CAPTURE(command);
      const auto r = run_seqlab(command + " experiments/sine_rnn.yaml dataset.num_samples=50 model.init_from='" + run +
                                    "'" + (command == "run" ? " --out '" + dir / "init" + "'" : ""),
                                "", seqlab::test::kRefusalSeconds);
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.output, "model.init_from: the weights in " + run + "/weights do not fit this model"));
      CHECK(contains(r.output, needle));
    }
    CHECK_FALSE(fs::exists(dir / "init"));
  };

  SUBCASE("a 128-byte file whose header claims a billion values") {
    write_file(bias, npy_bytes(header_for("(1000000000,)")));
    refused("fc.bias: " + bias + ": its header's shape (1000000000,) needs more data than the file holds");
  }
  SUBCASE("a FIFO (eval hung on it for ever)") {
    fs::remove(bias);
    REQUIRE(::mkfifo(bias.c_str(), 0600) == 0);
    refused("fc.bias: " + bias + ": is a FIFO (named pipe), not a regular file");
  }
  SUBCASE("NaN and infinite weights (eval printed RMSE nan and exited 0)") {
    std::string nan = good;
    const float value = std::numeric_limits<float>::quiet_NaN();
    nan.replace(nan.size() - 4, 4, std::string(reinterpret_cast<const char*>(&value), 4));
    write_file(bias, nan);
    refused("fc.bias: " + bias + " holds NaN at index 0 (of 1); weights must be finite");
    std::string inf = good;
    const float infinite = std::numeric_limits<float>::infinity();
    inf.replace(inf.size() - 4, 4, std::string(reinterpret_cast<const char*>(&infinite), 4));
    write_file(bias, inf);
    refused("holds an infinite value at index 0");
  }
}

TEST_CASE("validate reads model.init_from as run does") {
  // Before: validate said "ok" for init_from: /etc/passwd, and run then refused it.
  for (const std::string& command : {std::string("validate"), std::string("run --out /nonexistent/x")}) {
    CAPTURE(command);
    const auto r = run_seqlab(command + " experiments/sine_rnn.yaml model.init_from=/etc/passwd", "",
                              seqlab::test::kRefusalSeconds);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "model.init_from: '/etc/passwd' is not a folder"));
  }
}
