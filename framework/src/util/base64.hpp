// Base64 (RFC 4648, with padding), for data: URLs.
#pragma once

#include <string>

namespace seqlab {

std::string base64(const std::string& bytes);

}  // namespace seqlab
