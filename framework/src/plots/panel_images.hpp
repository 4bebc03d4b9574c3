// Per-target panels shared out into images: all in one while they fit, else one image per target.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace seqlab {

struct PanelImage {
  std::string stem;                  // "prediction", or "prediction_<target>"
  std::vector<std::size_t> targets;  // indices into the names given, a row of panels each
};

// Up to this many targets share one image, a row of panels each; a fifth row would leave each too flat to read.
inline constexpr std::size_t kMaxTargetsPerImage = 4;

// One image `<stem>` for up to kMaxTargetsPerImage targets; beyond that one per target, `<stem>_<name>`, the
// name's characters other than ASCII letters, digits, '-' and '_' written '_' (and `_<index>` appended when two
// names would give the same file).
std::vector<PanelImage> panel_images(const std::string& stem, const std::vector<std::string>& targets);

// Width and height in pixels of an image of rows x columns panels: 900 x 500 for one, wider for two columns,
// taller per row.
std::pair<int, int> panel_image_size(std::size_t rows, std::size_t columns);

}  // namespace seqlab
