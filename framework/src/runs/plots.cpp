// Writes each plot as data (.dat) plus a gnuplot script (.gp), then runs that script headless.
#include "runs/plots.hpp"

#include "util/atomic_file.hpp"

#include <gnuplot-iostream.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace seqlab {

namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 900;
constexpr int kHeight = 500;
// Up to this many points each point gets a marker; beyond it, markers are clutter.
constexpr std::size_t kMaxMarkedPoints = 30;
constexpr std::size_t kMaxNoteDetail = 400;

// Shortest text that reads back as the same double; locale-independent, unlike printf.
std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  std::array<char, 32> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

// A gnuplot single-quoted string: backslashes are literal, a quote is doubled.
// Control characters (a newline would end the command) become spaces.
std::string gp_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// For '#' comment lines in the .dat and .gp.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

// Writes beside the target and renames, so a reader never sees half a file.
void write_file(const fs::path& path, const std::string& text) { write_file_atomically(path.string(), text); }

fs::path prepare_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the plot folder: " + ec.message());
  fs::path abs = fs::absolute(dir, ec);
  return ec ? fs::path(dir) : abs;
}

// The terminal lines shared by every script: pngcairo when this gnuplot has it
// (anti-aliased), else libgd's png. `noenhanced` keeps '_' in names literal.
std::string script_preamble(const std::string& stem, const std::string& title, const std::string& what) {
  std::ostringstream gp;
  gp << "# " << stem << ".gp: " << what << "\n"
     << "# Redraw " << stem << ".png from " << stem << ".dat by running, inside this folder:\n"
     << "#   gnuplot " << stem << ".gp\n"
     << "if (strstrt(GPVAL_TERMINALS, ' pngcairo ') > 0) {\n"
     << "  set terminal pngcairo size " << kWidth << "," << kHeight << " noenhanced font 'Sans,11' linewidth 1\n"
     << "} else {\n"
     << "  set terminal png size " << kWidth << "," << kHeight << " noenhanced\n"
     << "}\n"
     << "set output '" << stem << ".png'\n";
  if (!title.empty()) gp << "set title " << gp_quote(title) << "\n";
  gp << "set grid xtics ytics linecolor rgb '#d0d0d0' linetype 1 dashtype 3\n"
     << "set border linecolor rgb '#404040'\n"
     << "set key opaque\n";
  return gp.str();
}

std::string line_style(std::size_t points) {
  return points <= kMaxMarkedPoints ? "linespoints pointtype 7 pointsize 0.7" : "lines";
}

bool valid_png(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 24> head{};
  if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) return false;
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (std::memcmp(head.data(), kSignature, 8) != 0) return false;
  if (std::memcmp(head.data() + 12, "IHDR", 4) != 0) return false;
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t{head[at]} << 24) | (std::uint32_t{head[at + 1]} << 16) | (std::uint32_t{head[at + 2]} << 8) |
           std::uint32_t{head[at + 3]};
  };
  return be32(16) > 0 && be32(20) > 0;
}

std::string find_gnuplot() {
  static std::mutex mutex;
  static bool looked = false;
  static std::string looked_for_path;
  static std::string found;

  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/usr/bin:/bin";  // POSIX default search path
  std::lock_guard<std::mutex> lock(mutex);
  if (looked && path == looked_for_path) return found;
  found.clear();
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string entry = path.substr(start, end - start);
    if (entry.empty()) entry = ".";  // an empty PATH entry means the current directory
    const fs::path candidate = fs::path(entry) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      found = fs::absolute(candidate, ec).string();
      if (ec) found = candidate.string();
      break;
    }
    start = end + 1;
  }
  looked = true;
  looked_for_path = path;
  return found;
}

// Ignores SIGPIPE for its lifetime, so a gnuplot that dies mid-write makes the
// write fail instead of killing this process; restores the previous handler.
class SigpipeIgnored {
 public:
  SigpipeIgnored() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    installed_ = ::sigaction(SIGPIPE, &ignore, &previous_) == 0;
  }
  ~SigpipeIgnored() {
    if (installed_) ::sigaction(SIGPIPE, &previous_, nullptr);
  }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

// gnuplot's messages are captured in a temporary file so a failure can be told
// in the note rather than scattered on the terminal.
class TempFile {
 public:
  TempFile() {
    std::error_code ec;
    fs::path dir = fs::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "seqlab-gnuplot-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }  // empty if none could be made
  std::string text() const {
    if (path_.empty()) return {};
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
};

// gnuplot's messages on one line with runs of whitespace collapsed, cut to fit a note.
std::string condense(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!space)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > kMaxNoteDetail) out = out.substr(0, kMaxNoteDetail) + "...";
  return out;
}

// Runs `<stem>.gp` inside `dir` through a gnuplot pipe and checks the PNG it left.
// `what` names the data for the note when there is nothing to draw.
PlotOutcome draw(const fs::path& dir, const std::string& stem, bool has_points, const std::string& what) {
  // Whatever happens next, a PNG from an earlier run must not pass for this data.
  const fs::path png = dir / (stem + ".png");
  std::error_code ignored;
  fs::remove(png, ignored);
  if (!has_points) return {false, what + " is empty, so " + stem + ".png was not drawn"};

  const std::string rerun = "run `gnuplot " + stem + ".gp` in " + dir.string();
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty())
    return {false,
            "gnuplot not found on PATH, so " + stem + ".png was not drawn; " + rerun + " after installing gnuplot-nox"};

  TempFile messages;
  const std::string err = messages.path().empty() ? "/dev/null" : messages.path();
  // The shell reports gnuplot's exit status in the message file; DISPLAY and
  // GNUTERM are dropped so nothing tries to open a window.
  const std::string command = "unset DISPLAY GNUTERM; " + shell_quote(gnuplot) + " 2>" + shell_quote(err) +
                              " || echo \"gnuplot exited with status $?\" >>" + shell_quote(err);
  bool sent = false;
  std::string failure;
  {
    SigpipeIgnored sigpipe_ignored;
    try {
      // The PNG is complete only once gnuplot has exited, which the Gnuplot
      // destructor waits for (pclose); hence this scope ends before the check.
      Gnuplot gp(command);
      gp << "cd " << gp_quote(dir.string()) << "\n"
         << "load " << gp_quote(stem + ".gp") << "\n";
      gp.flush();
      sent = static_cast<bool>(gp);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  const std::string detail = condense(messages.text());
  if (valid_png(png) && detail.find("gnuplot exited with status") == std::string::npos) return {true, {}};

  fs::remove(png, ignored);  // an empty or partial PNG would only mislead
  std::string note = "gnuplot could not draw " + stem + ".png";
  if (!failure.empty())
    note += " (" + failure + ")";
  else if (!sent)
    note += " (its pipe closed early)";
  if (!detail.empty()) note += ": " + detail;
  return {false, note + "; " + rerun + " to see why"};
}

}  // namespace

bool gnuplot_available() { return !find_gnuplot().empty(); }

PlotOutcome plot_loss(const std::string& dir, const LossCurve& curve, const std::string& title) {
  const std::size_t n = curve.epochs.size();
  const bool has_val = !curve.val_loss.empty();
  if (curve.train_loss.size() != n || (has_val && curve.val_loss.size() != n))
    throw std::invalid_argument("plot_loss: " + std::to_string(n) + " epochs but " +
                                std::to_string(curve.train_loss.size()) + " train and " +
                                std::to_string(curve.val_loss.size()) + " validation losses");
  const fs::path folder = prepare_dir(dir);

  std::ostringstream dat;
  dat << "# loss per epoch" << (title.empty() ? "" : ": " + one_line(title)) << "\n"
      << "# epoch train_loss" << (has_val ? " val_loss" : "") << "\n";
  for (std::size_t i = 0; i < n; ++i) {
    dat << curve.epochs[i] << ' ' << number_text(curve.train_loss[i]);
    if (has_val) dat << ' ' << number_text(curve.val_loss[i]);
    dat << '\n';
  }
  write_file(folder / "loss.dat", dat.str());

  // The range of the values a log axis can show.
  double low = 0, high = 0;
  for (const auto* losses : {&curve.train_loss, &curve.val_loss})
    for (double v : *losses)
      if (std::isfinite(v) && v > 0) {
        low = low > 0 ? std::min(low, v) : v;
        high = std::max(high, v);
      }
  const bool log_y = high > 0;
  int first = 0, last = 0;
  if (n > 0) {
    first = *std::min_element(curve.epochs.begin(), curve.epochs.end());
    last = *std::max_element(curve.epochs.begin(), curve.epochs.end());
  }

  std::ostringstream gp;
  gp << script_preamble("loss", title, "training loss per epoch") << "set xlabel 'epoch'\n";
  if (last - first <= 12) gp << "set xtics 1\n";  // whole epochs, not 1.5
  if (log_y)
    gp << "set ylabel 'loss (log scale)'\n"
       << "set logscale y\n"
       << "set mytics 10\n"
       << "set grid mytics\n"
       // gnuplot's default labels small decades as 0.0000010; exponents read better.
       << (low < 1e-3 || high >= 1e4 ? "set format y '%.0e'\n" : "set format y '%g'\n");
  else
    gp << "set ylabel 'loss'\n";
  gp << "set key top right\n";
  const std::string style = line_style(n);
  gp << "plot 'loss.dat' using 1:2 with " << style << " linewidth 2 linecolor rgb '#1f77b4' title 'train'";
  if (has_val)
    gp << ", \\\n     '' using 1:3 with " << style << " linewidth 2 linecolor rgb '#d62728' title 'validation'";
  gp << "\nunset output\n";
  write_file(folder / "loss.gp", gp.str());

  return draw(folder, "loss", n > 0, "the loss curve");
}

PlotOutcome plot_loss_overlay(const std::string& dir, const std::string& stem, const std::vector<LabelledCurve>& curves,
                              const std::string& title) {
  const fs::path folder = prepare_dir(dir);
  std::ostringstream dat, plot;
  dat << "# loss per epoch of several runs, one block each (gnuplot: index N)"
      << (title.empty() ? "" : ": " + one_line(title)) << "\n";
  bool any_points = false;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const LossCurve& curve = curves[c].curve;
    const bool use_val = !curve.val_loss.empty();
    const auto& losses = use_val ? curve.val_loss : curve.train_loss;
    if (losses.size() != curve.epochs.size())
      throw std::invalid_argument("plot_loss_overlay: curve " + curves[c].label + " has mismatched lengths");
    dat << (c ? "\n\n" : "") << "# " << one_line(curves[c].label) << ": epoch " << (use_val ? "val_loss" : "train_loss")
        << "\n";
    for (std::size_t i = 0; i < losses.size(); ++i) dat << curve.epochs[i] << ' ' << number_text(losses[i]) << '\n';
    any_points = any_points || !losses.empty();
    plot << (c ? ", \\\n     " : "plot ") << "'" << stem << ".dat' index " << c
         << " using 1:2 with lines linewidth 2 title " << gp_quote(curves[c].label + (use_val ? " (val)" : " (train)"));
  }
  write_file(folder / (stem + ".dat"), dat.str());
  std::ostringstream gp;
  gp << script_preamble(stem, title, "loss curves of several runs") << "set xlabel 'epoch'\n"
     << "set ylabel 'loss (log scale)'\nset logscale y\nset format y '%.0e'\nset key top right\n"
     << plot.str() << "\nunset output\n";
  write_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the overlaid loss curves");
}

PlotOutcome plot_metric_vs(const std::string& dir, const std::string& stem, const std::string& x_label,
                           const std::vector<std::string>& xs, const std::vector<double>& ys,
                           const std::string& y_label, const std::string& title, bool log_x) {
  if (xs.size() != ys.size())
    throw std::invalid_argument("plot_metric_vs: " + std::to_string(xs.size()) + " x values but " +
                                std::to_string(ys.size()) + " y values");
  const fs::path folder = prepare_dir(dir);
  // Numeric when every value parses whole as a number (from_chars: no locale).
  std::vector<double> numbers;
  for (const auto& x : xs) {
    double v = 0;
    const auto res = std::from_chars(x.data(), x.data() + x.size(), v);
    if (res.ec != std::errc() || res.ptr != x.data() + x.size()) break;
    numbers.push_back(v);
  }
  const bool numeric = numbers.size() == xs.size();
  std::vector<std::string> categories;
  std::ostringstream dat;
  dat << "# " << one_line(y_label) << " against " << one_line(x_label) << (title.empty() ? "" : ": " + one_line(title))
      << "\n# " << (numeric ? "x" : "category_index") << " y" << (numeric ? "" : " category") << "\n";
  bool any_points = false;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    any_points = any_points || std::isfinite(ys[i]);
    if (numeric) {
      dat << number_text(numbers[i]) << ' ' << number_text(ys[i]) << '\n';
      continue;
    }
    auto at = std::find(categories.begin(), categories.end(), xs[i]);
    if (at == categories.end()) at = categories.insert(categories.end(), xs[i]);
    dat << (at - categories.begin()) << ' ' << number_text(ys[i]) << " # " << one_line(xs[i]) << '\n';
  }
  write_file(folder / (stem + ".dat"), dat.str());

  std::ostringstream gp;
  gp << script_preamble(stem, title, y_label + " against " + x_label) << "set xlabel " << gp_quote(x_label) << "\n"
     << "set ylabel " << gp_quote(y_label) << "\n"
     << "set key off\n"
     << "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";  // no point on the frame
  if (numeric && log_x) gp << "set logscale x\nset format x '%.0e'\n";
  // Losses spread over decades: a log y axis when every value can sit on one.
  bool log_y = any_points;
  for (double y : ys) log_y = log_y && (!std::isfinite(y) || y > 0);
  if (log_y) gp << "set logscale y\nset format y '%.0e'\n";
  if (!numeric) {
    gp << "set xtics (";
    for (std::size_t c = 0; c < categories.size(); ++c) gp << (c ? ", " : "") << gp_quote(categories[c]) << " " << c;
    gp << ")\nset xrange [-0.5:" << (categories.empty() ? 0.5 : static_cast<double>(categories.size()) - 0.5) << "]\n";
  }
  gp << "plot '" << stem << ".dat' using 1:2 with points pointtype 7 pointsize 1.2 linecolor rgb '#1f77b4'\n"
     << "unset output\n";
  write_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the " + y_label + " against " + x_label);
}

PlotOutcome plot_predictions(const std::string& dir, const PredictionSeries& series, const std::string& title) {
  const std::size_t n = series.target.size();
  if (series.predicted.size() != n)
    throw std::invalid_argument("plot_predictions: " + std::to_string(n) + " targets but " +
                                std::to_string(series.predicted.size()) + " predictions");
  const fs::path folder = prepare_dir(dir);
  const std::string x_label = series.x_label.empty() ? "index" : series.x_label;

  std::ostringstream dat;
  dat << "# target and prediction" << (title.empty() ? "" : ": " + one_line(title)) << "\n"
      << "# " << one_line(x_label) << " target predicted\n";
  for (std::size_t i = 0; i < n; ++i)
    dat << i << ' ' << number_text(series.target[i]) << ' ' << number_text(series.predicted[i]) << '\n';
  write_file(folder / "prediction.dat", dat.str());

  std::ostringstream gp;
  const std::string style = line_style(n);
  gp << script_preamble("prediction", title, "target against predicted values") << "set xlabel " << gp_quote(x_label)
     << "\n"
     << "set ylabel 'value'\n"
     << "set key bmargin center horizontal\n"  // below the plot: periodic curves fill every corner
     << "set bmargin 5\n"
     << "set offsets 0, 0, graph 0.08, graph 0.08\n"  // keep curves off the frame
     << "plot 'prediction.dat' using 1:2 with " << style << " linewidth 2 linecolor rgb '#1f77b4' title 'target', \\\n"
     << "     '' using 1:3 with " << style << " linewidth 2 dashtype 2 linecolor rgb '#ff7f0e' title 'predicted'\n"
     << "unset output\n";
  write_file(folder / "prediction.gp", gp.str());

  return draw(folder, "prediction", n > 0, "the prediction series");
}

}  // namespace seqlab
