// Progress drawing with a carriage return and an erase-line escape.
#include "training/progress_line.hpp"

#include <cstdio>
#include <unistd.h>

namespace seqlab {

ProgressLine::ProgressLine(int total_epochs) : total_(total_epochs), enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressLine::update(int epoch, double loss, double epoch_seconds) {
  seconds_so_far_ += epoch_seconds;
  // Redraw about ten times a second at most: a terminal write per fast epoch costs more than the epoch.
  if (!enabled_ || (seconds_so_far_ - drawn_at_ < 0.1 && epoch < total_)) return;
  drawn_at_ = seconds_so_far_;
  const double left = seconds_so_far_ / epoch * (total_ - epoch);
  std::fprintf(stderr, "\r\033[Kepoch %d/%d  loss %.6g  %.1f ms/epoch  %.1f s left", epoch, total_, loss,
               1e3 * seconds_so_far_ / epoch, left);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace seqlab
