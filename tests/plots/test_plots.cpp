// Tests for the plots: PNGs drawn, scripts that redraw them, a missing or failing gnuplot.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "plots/plots.hpp"

namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "seqlab-test-plots-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string str() const { return path.string(); }
};

// Sets PATH for its lifetime.
struct ScopedPath {
  std::optional<std::string> saved;
  explicit ScopedPath(const std::string& value) {
    if (const char* old = std::getenv("PATH")) saved = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (saved)
      ::setenv("PATH", saved->c_str(), 1);
    else
      ::unsetenv("PATH");
  }
};

struct PngSize {
  std::uint32_t width = 0, height = 0;
};

// The 8-byte signature, then the IHDR chunk's big-endian width and height.
std::optional<PngSize> read_png_size(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 24> b{};
  if (!in.read(reinterpret_cast<char*>(b.data()), b.size())) return std::nullopt;
  const std::array<unsigned char, 8> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (std::size_t i = 0; i < 8; ++i)
    if (b[i] != signature[i]) return std::nullopt;
  if (std::string(b.begin() + 12, b.begin() + 16) != "IHDR") return std::nullopt;
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
           std::uint32_t{b[at + 3]};
  };
  return PngSize{be32(16), be32(20)};
}

void check_png(const fs::path& path) {
  INFO("png: " << path.string());
  const auto size = read_png_size(path);
  REQUIRE(size.has_value());
  CHECK(size->width > 0);
  CHECK(size->height > 0);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Non-comment rows of a .dat file, split into whitespace columns.
std::vector<std::vector<std::string>> data_rows(const fs::path& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(read_text(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cols(line);
    std::vector<std::string> row;
    for (std::string c; cols >> c;) row.push_back(c);
    rows.push_back(row);
  }
  return rows;
}

seqlab::LossCurve sample_curve(bool with_val) {
  seqlab::LossCurve c;
  for (int e = 1; e <= 40; ++e) {
    c.epochs.push_back(e);
    c.train_loss.push_back(0.5 * std::exp(-e / 10.0) + 1e-3);
    if (with_val) c.val_loss.push_back(0.6 * std::exp(-e / 12.0) + 2e-3);
  }
  return c;
}

seqlab::PredictionSeries sample_series() {
  seqlab::PredictionSeries s;
  s.x_label = "time step";
  for (int i = 0; i < 100; ++i) {
    s.target.push_back(std::sin(0.1 * i));
    s.predicted.push_back(0.9 * std::sin(0.1 * i) + 0.01);
  }
  return s;
}

void write_script(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  fs::permissions(path, fs::perms::owner_all);
}

}  // namespace

TEST_CASE("plot_loss draws a PNG and writes data a script can redraw from") {
  REQUIRE_MESSAGE(seqlab::gnuplot_available(), "these tests need gnuplot on PATH (apt-get install gnuplot-nox)");
  TempDir dir;
  const auto curve = sample_curve(true);
  const auto outcome = seqlab::plot_loss(dir.str(), curve, "loss of a_test's run");
  INFO("note: " << outcome.note);
  CHECK(outcome.drawn);
  CHECK(outcome.note.empty());
  check_png(dir.path / "loss.png");
  CHECK(read_png_size(dir.path / "loss.png")->width == 900);
  CHECK(read_png_size(dir.path / "loss.png")->height == 500);

  const auto rows = data_rows(dir.path / "loss.dat");
  REQUIRE(rows.size() == curve.epochs.size());
  CHECK(rows[0].size() == 3);
  CHECK(read_text(dir.path / "loss.dat").rfind("# ", 0) == 0);  // opens with a header comment
  // Round-trip precision: the text parses back to the very same doubles.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(std::stoi(rows[i][0]) == curve.epochs[i]);
    CHECK(std::strtod(rows[i][1].c_str(), nullptr) == curve.train_loss[i]);
    CHECK(std::strtod(rows[i][2].c_str(), nullptr) == curve.val_loss[i]);
  }
  const std::string script = read_text(dir.path / "loss.gp");
  CHECK(script.find("logscale y") != std::string::npos);
  CHECK(script.find("validation") != std::string::npos);
}

TEST_CASE("plot_loss without validation writes two columns") {
  REQUIRE(seqlab::gnuplot_available());
  TempDir dir;
  const auto outcome = seqlab::plot_loss(dir.str(), sample_curve(false), "train only");
  INFO("note: " << outcome.note);
  CHECK(outcome.drawn);
  check_png(dir.path / "loss.png");
  const auto rows = data_rows(dir.path / "loss.dat");
  REQUIRE(!rows.empty());
  CHECK(rows[0].size() == 2);
  CHECK(read_text(dir.path / "loss.gp").find("validation") == std::string::npos);
}

// The points gnuplot plots for each curve of `stem`.gp in `dir` (its `set table` output, the script
// otherwise run as is): "x y" per point, and whether any point was undefined (which breaks a line).
struct PlottedCurves {
  std::vector<std::vector<std::string>> points;  // per curve, "x y"
  bool any_undefined = false;
};
PlottedCurves plotted(const fs::path& dir, const std::string& stem) {
  const std::string command =
      "cd '" + dir.string() + "' && gnuplot -e \"set table 'table.txt'\" " + stem + ".gp > /dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  PlottedCurves out;
  std::istringstream lines(read_text(dir / "table.txt"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# Curve title", 0) == 0) out.points.emplace_back();
    if (line.empty() || line[0] == '#' || out.points.empty()) continue;
    std::istringstream cols(line);
    std::string x, y, type;
    cols >> x >> y >> type;
    out.any_undefined = out.any_undefined || type == "u";
    out.points.back().push_back(x + " " + y);
  }
  return out;
}

TEST_CASE("a validation loss with gaps (validate_every) is drawn as one line through the validated epochs") {
  REQUIRE(seqlab::gnuplot_available());
  TempDir dir;
  seqlab::LossCurve curve;
  for (int e = 1; e <= 7; ++e) {
    curve.epochs.push_back(e);
    curve.train_loss.push_back(1.0 / e);
    curve.val_loss.push_back(e % 3 == 0 || e == 7 ? 2.0 / e : std::nan(""));
  }
  REQUIRE(seqlab::plot_loss(dir.str(), curve, "gaps").drawn);
  const auto loss = plotted(dir.path, "loss");
  REQUIRE(loss.points.size() == 2);
  CHECK(loss.points[0].size() == 7);
  CHECK(loss.points[1] == std::vector<std::string>{"3 0.666667", "6 0.333333", "7 0.285714"});
  CHECK_FALSE(loss.any_undefined);  // an undefined point would cut the line into dots

  // Overlaid with a run validated every epoch: the same for each curve.
  seqlab::LossCurve dense = curve;
  for (int e = 1; e <= 7; ++e) dense.val_loss[static_cast<std::size_t>(e - 1)] = 1.0 / e;
  REQUIRE(seqlab::plot_loss_overlay(dir.str(), "overlay", {{"sparse", curve}, {"dense", dense}}, "gaps").drawn);
  const auto overlay = plotted(dir.path, "overlay");
  REQUIRE(overlay.points.size() == 2);
  CHECK(overlay.points[0].size() == 3);
  CHECK(overlay.points[1].size() == 7);
  CHECK_FALSE(overlay.any_undefined);
}

TEST_CASE("plot_predictions draws a PNG") {
  REQUIRE(seqlab::gnuplot_available());
  TempDir dir;
  const auto series = sample_series();
  const auto outcome = seqlab::plot_predictions(dir.str(), series, "sine: target vs predicted");
  INFO("note: " << outcome.note);
  CHECK(outcome.drawn);
  check_png(dir.path / "prediction.png");
  const auto rows = data_rows(dir.path / "prediction.dat");
  REQUIRE(rows.size() == series.target.size());
  CHECK(rows[5].size() == 3);
  CHECK(std::strtod(rows[5][2].c_str(), nullptr) == series.predicted[5]);
  CHECK(read_text(dir.path / "prediction.gp").find("'time step'") != std::string::npos);
}

TEST_CASE("the .gp scripts redraw their PNGs when run inside the folder") {
  REQUIRE(seqlab::gnuplot_available());
  TempDir dir;
  REQUIRE(seqlab::plot_loss(dir.str(), sample_curve(true), "redraw").drawn);
  REQUIRE(seqlab::plot_predictions(dir.str(), sample_series(), "redraw").drawn);
  for (const std::string stem : {"loss", "prediction"}) {
    CAPTURE(stem);
    const fs::path png = dir.path / (stem + ".png");
    fs::remove(png);
    REQUIRE(!fs::exists(png));
    const std::string command = "cd '" + dir.str() + "' && gnuplot " + stem + ".gp";
    CHECK(std::system(command.c_str()) == 0);
    check_png(png);
  }
}

TEST_CASE("without gnuplot on PATH the data and script are still written") {
  TempDir dir;
  const fs::path empty_bin = dir.path / "empty-bin";
  fs::create_directory(empty_bin);
  const fs::path run = dir.path / "run";
  fs::create_directory(run);
  std::ofstream(run / "loss.png") << "a stale plot from an earlier run";
  {
    ScopedPath path(empty_bin.string());
    CHECK_FALSE(seqlab::gnuplot_available());
    const auto loss = seqlab::plot_loss(run.string(), sample_curve(true), "no gnuplot");
    CHECK_FALSE(loss.drawn);
    CHECK(loss.note.find("gnuplot") != std::string::npos);
    CHECK(loss.note.find("loss.gp") != std::string::npos);
    const auto pred = seqlab::plot_predictions(run.string(), sample_series(), "no gnuplot");
    CHECK_FALSE(pred.drawn);
    CHECK(pred.note.find("prediction.gp") != std::string::npos);
  }
  for (const char* name : {"loss.dat", "loss.gp", "prediction.dat", "prediction.gp"}) {
    CAPTURE(name);
    CHECK(fs::is_regular_file(run / name));
    CHECK(fs::file_size(run / name) > 0);
  }
  CHECK_FALSE(fs::exists(run / "loss.png"));
  CHECK_FALSE(fs::exists(run / "prediction.png"));
}

TEST_CASE("a gnuplot that fails is reported and not fatal") {
  TempDir dir;
  const fs::path bin = dir.path / "bin";
  fs::create_directory(bin);
  SUBCASE("exits with an error before reading its input") {
    write_script(bin / "gnuplot", "#!/bin/sh\necho 'broken gnuplot' >&2\nexit 3\n");
    ScopedPath path(bin.string() + ":/usr/bin:/bin");  // the wrapper shell still needs echo
    const auto outcome = seqlab::plot_loss((dir.path / "run").string(), sample_curve(true), "t");
    CHECK_FALSE(outcome.drawn);
    CHECK(outcome.note.find("broken gnuplot") != std::string::npos);
    CHECK(outcome.note.find("status 3") != std::string::npos);
    CHECK(fs::is_regular_file(dir.path / "run" / "loss.gp"));
    CHECK_FALSE(fs::exists(dir.path / "run" / "loss.png"));
  }
  SUBCASE("exits cleanly without drawing") {
    write_script(bin / "gnuplot", "#!/bin/sh\nexit 0\n");
    ScopedPath path(bin.string() + ":/usr/bin:/bin");
    const auto outcome = seqlab::plot_predictions((dir.path / "run").string(), sample_series(), "t");
    CHECK_FALSE(outcome.drawn);
    CHECK(outcome.note.find("prediction.png") != std::string::npos);
    CHECK(fs::is_regular_file(dir.path / "run" / "prediction.gp"));
  }
}

TEST_CASE("an unwritable folder throws and mismatched series are a caller bug") {
  TempDir dir;
  const fs::path file = dir.path / "a-file";
  std::ofstream(file) << "x";
  CHECK_THROWS_AS(seqlab::plot_loss((file / "run").string(), sample_curve(true), "t"), std::runtime_error);

  auto curve = sample_curve(true);
  curve.val_loss.pop_back();
  CHECK_THROWS_AS(seqlab::plot_loss(dir.str(), curve, "t"), std::invalid_argument);
  auto series = sample_series();
  series.predicted.pop_back();
  CHECK_THROWS_AS(seqlab::plot_predictions(dir.str(), series, "t"), std::invalid_argument);
}
