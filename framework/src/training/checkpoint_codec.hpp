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

// Little-endian binary: a text header line ("seqlab checkpoint 2"), the fields in a fixed order (doubles
// and floats bit for bit), then the SHA-256 of everything before it as 64 hex digits, so that a damaged
// file is refused rather than resumed from. decode refuses (CheckpointError naming the field) a count or
// length larger than the rest of the file can hold, before allocating for it, and a negative or oversized
// epoch count; what the content must be for the experiment at hand is Trainer::restore's to check. A format 1
// checkpoint (seqlab before it recorded the experiment) is refused as such.
std::string encode_checkpoint(const TrainingState& state);
TrainingState decode_checkpoint(const std::string& bytes);

}  // namespace seqlab
