// Which targets go into which image, and how big an image of panels is.
// Tested in tests/plots/test_prediction_plot.cpp
#include "plots/panel_images.hpp"

#include <algorithm>
#include <set>

namespace seqlab {

namespace {

std::string file_safe(const std::string& name) {
  std::string out = name.empty() ? "target" : name;
  for (char& c : out) {
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return out;
}

}  // namespace

std::vector<PanelImage> panel_images(const std::string& stem, const std::vector<std::string>& targets) {
  std::vector<PanelImage> images;
  if (targets.size() <= kMaxTargetsPerImage) {
    PanelImage all{stem, {}};
    for (std::size_t j = 0; j < targets.size(); ++j) all.targets.push_back(j);
    if (!targets.empty()) images.push_back(all);
    return images;
  }
  std::set<std::string> taken;
  for (std::size_t j = 0; j < targets.size(); ++j) {
    std::string name = stem + "_" + file_safe(targets[j]);
    if (!taken.insert(name).second) {
      name += "_" + std::to_string(j);
      taken.insert(name);
    }
    images.push_back({name, {j}});
  }
  return images;
}

std::pair<int, int> panel_image_size(std::size_t rows, std::size_t columns) {
  const int width = columns > 1 ? 1400 : 900;
  const int height = rows > 1 ? 420 * static_cast<int>(rows) : 500;
  return {width, height};
}

}  // namespace seqlab
