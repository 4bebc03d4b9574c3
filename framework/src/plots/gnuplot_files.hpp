// What every plot shares: its .dat and .gp files, written safely, and gnuplot run headless on them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plots/plots.hpp"

namespace seqlab {

// Shortest text that reads back as the same double; locale-independent, unlike printf. NaN as "NaN".
std::string number_text(double v);
// A gnuplot single-quoted string: backslashes are literal, a quote is doubled; control characters (a
// newline would end the command) become spaces.
std::string gp_quote(const std::string& s);
// For '#' comment lines in the .dat and .gp: control characters become spaces.
std::string one_line(const std::string& s);
// Writes beside the target and renames, so a reader never sees half a file.
void write_plot_file(const std::filesystem::path& path, const std::string& text);
// Creates the plot folder; its absolute path.
std::filesystem::path prepare_dir(const std::string& dir);
// "<stem>.png" or "<stem>.svg".
std::string image_file(const std::string& stem, ImageFormat format);
// The lines every script starts with: terminal, output <stem>.png (or .svg), title, grid. The image is
// `width` x `height` pixels, 900 x 500 when they are 0.
std::string script_preamble(const std::string& stem, const std::string& title, const std::string& what,
                            ImageFormat format = ImageFormat::png, int width = 0, int height = 0);
// The x axis settings for dates when `dates` (the .dat holds seconds since 1970 UTC; labels as fine as the
// span of `x` needs), else nothing.
std::string time_axis(const std::vector<double>& x, bool dates);
// Lines with a marker per point while there are few points, plain lines beyond.
std::string line_style(std::size_t points);
// Runs `<stem>.gp` inside `dir` through a gnuplot pipe and checks the image it left. `what` names the data for
// the note when there is nothing to draw (`has_points` false).
PlotOutcome draw(const std::filesystem::path& dir, const std::string& stem, bool has_points, const std::string& what,
                 ImageFormat format = ImageFormat::png);

}  // namespace seqlab
