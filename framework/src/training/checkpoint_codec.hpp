// A TrainingState as bytes and back: the content of a run's checkpoint.bin.
#pragma once

#include <stdexcept>
#include <string>

#include "training/training_state.hpp"

namespace seqlab {

// Thrown by decode_checkpoint for bytes that are not a whole checkpoint of this format.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Little-endian binary: a text header line, the fields in a fixed order (doubles and floats bit for
// bit), then the SHA-256 of everything before it as 64 hex digits, so that a damaged file is
// refused rather than resumed from.
std::string encode_checkpoint(const TrainingState& state);
TrainingState decode_checkpoint(const std::string& bytes);

}  // namespace seqlab
