// The live progress line on a terminal: epoch, loss and time left.
#pragma once

namespace seqlab {

// Draws on stderr only when it is a terminal, so logs and pipes stay clean.
class ProgressLine {
 public:
  explicit ProgressLine(int total_epochs);
  void update(int epoch, double loss, double epoch_seconds);
  void clear();  // erase the line before other output

 private:
  int total_;
  bool enabled_;
  bool shown_ = false;
  double seconds_so_far_ = 0;
  double drawn_at_ = -1;  // seconds_so_far_ at the last redraw
};

}  // namespace seqlab
