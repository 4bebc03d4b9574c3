// The dataset plugin interface: produces training and validation sequences.
#pragma once

#include <string>

#include "seqlab/tensor.hpp"

namespace seqlab {

// A set of sequences. inputs: (count, steps, input_size). targets: (count,
// target_steps, output_size), where target_steps is 1 when only the value after
// the last step is predicted, or `steps` when every step is.
struct SequenceSet {
  Tensor3 inputs;
  Tensor3 targets;
  std::size_t count() const { return inputs.shape()[0]; }
};

struct DatasetSplits {
  SequenceSet train;
  SequenceSet validation;  // may have count() == 0
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  // Builds both splits. Called once per run; all randomness comes from the
  // Random the plugin was constructed with, so the result is a function of the seed.
  virtual DatasetSplits load() = 0;
};

}  // namespace seqlab
