// The mechanics every plot shares: .dat and .gp files written safely, and gnuplot run headless on them.
// Tested in tests/plots/test_plots.cpp
#include "plots/gnuplot_files.hpp"

#include "plots/date_ticks.hpp"

#include "util/atomic_file.hpp"
#include "util/folder_handle.hpp"

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

// An SVG gnuplot finished: the XML prologue at the start and the closing tag at the end (a gnuplot that dies
// mid-plot leaves the tail off).
bool valid_svg(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const std::size_t end = s.rfind("</svg>");
  return s.rfind("<?xml", 0) == 0 && end != std::string::npos &&
         s.find_first_not_of(" \r\n", end + 6) == std::string::npos;
}

bool valid_image(const fs::path& path, ImageFormat format) {
  return format == ImageFormat::svg ? valid_svg(path) : valid_png(path);
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

}  // namespace

std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  std::array<char, 32> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

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

std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

void write_plot_file(const fs::path& path, const std::string& text) { write_file_atomically(path.string(), text); }

fs::path prepare_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the plot folder: " + ec.message());
  fs::path abs = fs::absolute(dir, ec);
  return ec ? fs::path(dir) : abs;
}

std::string image_file(const std::string& stem, ImageFormat format) {
  return stem + (format == ImageFormat::svg ? ".svg" : ".png");
}

// pngcairo when this gnuplot has it (anti-aliased), else libgd's png; SVG (every gnuplot has it) for pages.
// `noenhanced` keeps '_' in names literal.
std::string script_preamble(const std::string& stem, const std::string& title, const std::string& what,
                            ImageFormat format, int width, int height) {
  const std::string image = image_file(stem, format);
  const int w = width > 0 ? width : kWidth, h = height > 0 ? height : kHeight;
  std::ostringstream gp;
  gp << "# " << stem << ".gp: " << what << "\n"
     << "# Redraw " << image << " from " << stem << ".dat by running, inside this folder:\n"
     << "#   gnuplot " << stem << ".gp\n";
  if (format == ImageFormat::svg) {
    gp << "set terminal svg size " << w << "," << h
       << " noenhanced font 'Sans,11' linewidth 1 background rgb 'white'\n";
  } else {
    gp << "if (strstrt(GPVAL_TERMINALS, ' pngcairo ') > 0) {\n"
       << "  set terminal pngcairo size " << w << "," << h << " noenhanced font 'Sans,11' linewidth 1\n"
       << "} else {\n"
       << "  set terminal png size " << w << "," << h << " noenhanced\n"
       << "}\n";
  }
  gp << "set output '" << image << "'\n";
  if (!title.empty()) gp << "set title " << gp_quote(title) << "\n";
  gp << "set grid xtics ytics linecolor rgb '#d0d0d0' linetype 1 dashtype 3\n"
     << "set border linecolor rgb '#404040'\n"
     << "set key opaque\n";
  return gp.str();
}

std::string time_axis(const std::vector<double>& x, bool dates) {
  if (!dates || x.empty()) return "";
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  return date_axis_script(date_ticks(*lo, *hi));
}

std::string line_style(std::size_t points) {
  return points <= kMaxMarkedPoints ? "linespoints pointtype 7 pointsize 0.7" : "lines";
}

PlotOutcome draw(const fs::path& dir, const std::string& stem, bool has_points, const std::string& what,
                 ImageFormat format) {
  // Whatever happens next, an image from an earlier run must not pass for this data.
  const std::string image = image_file(stem, format);
  const fs::path file = dir / image;
  const FolderHandle folder = FolderHandle::open(dir);
  folder.remove(image);  // a link planted there goes; its target stays as it was
  if (!has_points) return {false, what + " is empty, so " + image + " was not drawn"};

  const std::string rerun = "run `gnuplot " + stem + ".gp` in " + dir.string();
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty())
    return {false,
            "gnuplot not found on PATH, so " + image + " was not drawn; " + rerun + " after installing gnuplot-nox"};
  // gnuplot opens `set output` by name itself, and the .gp must name the real image so that a user can rerun
  // it; a descriptor cannot be handed to it. So the name is made a new, empty regular file here, created
  // O_EXCL|O_NOFOLLOW right after any entry there was removed, and gnuplot only truncates that file: a link
  // planted at the name in a shared folder is never followed. Only a process writing into this folder at this
  // very moment could swap the name again, and such a process could as well write the results themselves.
  try {
    folder.create_empty(image);
  } catch (const std::exception& e) {
    return {false, image + " was not drawn: " + e.what()};
  }

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
      // The image is complete only once gnuplot has exited, which the Gnuplot
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
  if (valid_image(file, format) && detail.find("gnuplot exited with status") == std::string::npos) return {true, {}};

  folder.remove(image);  // an empty or partial image would only mislead
  std::string note = "gnuplot could not draw " + image;
  if (!failure.empty())
    note += " (" + failure + ")";
  else if (!sent)
    note += " (its pipe closed early)";
  if (!detail.empty()) note += ": " + detail;
  return {false, note + "; " + rerun + " to see why"};
}

bool gnuplot_available() { return !find_gnuplot().empty(); }

}  // namespace seqlab
