// The live progress line: drawn only on a terminal, at most about ten times a second, and erased on request.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <unistd.h>

#include "training/progress_line.hpp"

namespace {

// Everything readable from `fd` now, without waiting for more.
std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 50) > 0 && (p.revents & POLLIN)) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// stderr pointed at `fd` while it lives, then put back.
class StderrTo {
 public:
  explicit StderrTo(int fd) : saved_(::dup(STDERR_FILENO)) {
    std::fflush(stderr);
    ::dup2(fd, STDERR_FILENO);
  }
  ~StderrTo() {
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  StderrTo(const StderrTo&) = delete;
  StderrTo& operator=(const StderrTo&) = delete;

 private:
  int saved_;
};

// A pseudo-terminal: stderr on its terminal side is a tty, and what is drawn there is read from `controller`.
struct PseudoTerminal {
  int controller = -1, terminal = -1;
  PseudoTerminal() {
    controller = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (controller < 0 || ::grantpt(controller) != 0 || ::unlockpt(controller) != 0) return;
    terminal = ::open(::ptsname(controller), O_RDWR | O_NOCTTY);
  }
  ~PseudoTerminal() {
    if (terminal >= 0) ::close(terminal);
    if (controller >= 0) ::close(controller);
  }
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;
};

const std::string kErase = "\r\033[K";

}  // namespace

TEST_CASE("ProgressLine draws nothing when stderr is not a terminal: logs and pipes stay clean") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  {
    const StderrTo redirected(fds[1]);
    seqlab::ProgressLine line(3);
    for (int epoch = 1; epoch <= 3; ++epoch) line.update(epoch, 0.5, 1.0);
    line.clear();
  }
  ::close(fds[1]);
  CHECK(drain(fds[0]).empty());
  ::close(fds[0]);
}

TEST_CASE("ProgressLine on a terminal: epoch, loss, time an epoch and time left, redrawn at most every 0.1 s") {
  PseudoTerminal tty;
  REQUIRE(tty.terminal >= 0);
  std::string first, skipped, last, cleared, cleared_again;
  {
    const StderrTo redirected(tty.terminal);
    seqlab::ProgressLine line(10);
    line.update(1, 0.5, 0.2);  // 0.2 s in, 9 epochs of 0.2 s left
    first = drain(tty.controller);
    line.update(2, 0.25, 0.01);  // 0.01 s after the last drawing: skipped
    line.update(3, 0.25, 0.01);
    skipped = drain(tty.controller);
    line.update(10, 0.125, 0.01);  // the last epoch is always drawn
    last = drain(tty.controller);
    line.clear();
    cleared = drain(tty.controller);
    line.clear();  // nothing shown any more: nothing to erase
    cleared_again = drain(tty.controller);
  }
  CHECK(first == kErase + "epoch 1/10  loss 0.5  200.0 ms/epoch  1.8 s left");
  CHECK(skipped.empty());
  CHECK(last == kErase + "epoch 10/10  loss 0.125  23.0 ms/epoch  0.0 s left");
  CHECK(cleared == kErase);
  CHECK(cleared_again.empty());
}
