// SHA-256 of a file, recorded for each plugin in a run's summary.
#pragma once

#include <string>

namespace seqlab {

// Lower-case hex digest; throws std::runtime_error naming the file if it cannot be read.
std::string sha256_of_file(const std::string& path);

// Lower-case hex digest of `text`'s bytes.
std::string sha256_of_text(const std::string& text);

}  // namespace seqlab
