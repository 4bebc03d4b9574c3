// Reads an exported data symbol's bytes from a shared library's file without loading it (no dlopen, no constructors).
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace seqlab {

// The file is no shared library this seqlab could load: not a regular file, not ELF, 32-bit, another byte
// order or machine, truncated or malformed. The message says which and what was found, without the file's
// name (the caller adds it).
class ElfError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bytes that the 64-bit ELF shared library `file` stores for the object it exports as `symbol` in its
// dynamic symbol table: the first `max_bytes` of them, fewer when the object is smaller. std::nullopt when
// the library defines no such symbol. How the loader sees a plugin's descriptor before the library is
// loaded: the file is read with bounded reads only (never mapped, never loaded), every offset and size
// checked against its length, as input from anyone. Throws ElfError.
std::optional<std::string> read_exported_object(const std::string& file, const std::string& symbol,
                                                std::size_t max_bytes);

}  // namespace seqlab
