// Reading a plugin's descriptor from its file: right on real plugins, and a clear refusal (never a crash, a
// hang or a huge allocation) on anything else: text, truncation, garbage, other machines, FIFOs.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "host/elf_descriptor.hpp"
#include "host/plugin_loader.hpp"
#include "support/process.hpp"

using seqlab::ElfError;
using seqlab::read_exported_object;
using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const std::string kSymbol = seqlab::kDescriptorSymbol;
constexpr std::size_t kChecked = offsetof(seqlab::PluginDescriptor, info);
const std::string kMse = std::string(SEQLAB_TEST_PLUGIN_DIR) + "/mse.so";

// The ElfError's message reading `file`, or "" when it reads without one.
std::string refusal(const std::string& file) {
  try {
    (void)read_exported_object(file, kSymbol, kChecked);
  } catch (const ElfError& e) {
    return e.what();
  }
  return "";
}

template <class T>
T header_field(const std::string& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

template <class T>
void set_field(std::string& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

}  // namespace

TEST_CASE("a real plugin's descriptor is read from its file: magic, API version and the host's build facts") {
  const auto bytes = read_exported_object(kMse, kSymbol, kChecked);
  REQUIRE(bytes.has_value());
  REQUIRE(bytes->size() == kChecked);
  seqlab::PluginDescriptor descriptor{};
  std::memcpy(&descriptor, bytes->data(), kChecked);
  CHECK(descriptor.magic == seqlab::kPluginMagic);
  CHECK(descriptor.api_version == seqlab::kApiVersion);
  const seqlab::BuildFacts host = SEQLAB_BUILD_FACTS;
  CHECK(std::memcmp(&descriptor.build, &host, sizeof host) == 0);
  CHECK(std::string(descriptor.build.seqlab_version) == seqlab::kVersion);
  // Fewer bytes when asked for fewer; none of a symbol the library does not export.
  CHECK(read_exported_object(kMse, kSymbol, 8)->size() == 8);
  CHECK_FALSE(read_exported_object(kMse, "no_such_symbol", 8).has_value());
}

TEST_CASE("a shared library without a descriptor has none, read without loading it") {
  const std::string file = std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/no_descriptor/no_descriptor.so";
  CHECK_FALSE(read_exported_object(file, kSymbol, kChecked).has_value());
}

TEST_CASE("files that are no 64-bit ELF library for this machine are refused saying what they are") {
  ScratchDir dir("elf");
  const std::string library = read_file(kMse);
  REQUIRE(library.size() > sizeof(Elf64_Ehdr));
  SUBCASE("empty") {
    write_file(dir / "x.so", "");
    CHECK(contains(refusal(dir / "x.so"), "not an ELF file (0 bytes, shorter than an ELF header)"));
  }
  SUBCASE("text") {
    write_file(dir / "x.so", "/* GNU ld script */\nINPUT(libm.so.6)\nand more text to be longer than a header\n");
    CHECK(contains(refusal(dir / "x.so"), "not an ELF file (no \\177ELF at its start)"));
  }
  SUBCASE("an ELF start and nothing else") {
    write_file(dir / "x.so", library.substr(0, 20));
    CHECK(contains(refusal(dir / "x.so"), "truncated: 20 bytes, shorter than an ELF header"));
  }
  SUBCASE("32-bit") {
    std::string bytes = library;
    bytes[EI_CLASS] = ELFCLASS32;
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "a 32-bit ELF file; this seqlab is 64-bit"));
  }
  SUBCASE("another byte order") {
    std::string bytes = library;
    bytes[EI_DATA] = ELFDATA2MSB;
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "other byte order"));
  }
  SUBCASE("another machine") {
    std::string bytes = library;
    const auto machine = header_field<Elf64_Half>(bytes, offsetof(Elf64_Ehdr, e_machine));
    set_field<Elf64_Half>(bytes, offsetof(Elf64_Ehdr, e_machine), machine == EM_X86_64 ? EM_AARCH64 : EM_X86_64);
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "built for "));
    CHECK(contains(refusal(dir / "x.so"), "and this seqlab runs on "));
  }
  SUBCASE("an executable, not a library") {
    std::string bytes = library;
    set_field<Elf64_Half>(bytes, offsetof(Elf64_Ehdr, e_type), ET_EXEC);
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "not a shared library (ELF type 2"));
  }
  SUBCASE("no section headers") {
    std::string bytes = library;
    set_field<Elf64_Off>(bytes, offsetof(Elf64_Ehdr, e_shoff), 0);
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "no section headers"));
  }
  SUBCASE("section headers past the end") {
    std::string bytes = library;
    set_field<Elf64_Off>(bytes, offsetof(Elf64_Ehdr, e_shoff), ~Elf64_Off{0} - 8);
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "section header table"));
    CHECK(contains(refusal(dir / "x.so"), "past the end of the file"));
  }
  SUBCASE("a dynamic symbol table that claims a terabyte is refused before anything is allocated") {
    std::string bytes = library;
    const auto shoff = header_field<Elf64_Off>(bytes, offsetof(Elf64_Ehdr, e_shoff));
    const auto shnum = header_field<Elf64_Half>(bytes, offsetof(Elf64_Ehdr, e_shnum));
    bool found = false;
    for (std::size_t i = 0; i < shnum; ++i) {
      const std::size_t at = shoff + i * sizeof(Elf64_Shdr);
      if (header_field<Elf64_Word>(bytes, at + offsetof(Elf64_Shdr, sh_type)) != SHT_DYNSYM) continue;
      set_field<Elf64_Xword>(bytes, at + offsetof(Elf64_Shdr, sh_size), Elf64_Xword{1} << 40);
      found = true;
    }
    REQUIRE(found);
    write_file(dir / "x.so", bytes);
    CHECK(contains(refusal(dir / "x.so"), "dynamic symbol table claims 1099511627776 bytes"));
  }
  SUBCASE("a FIFO is refused at once, not waited on") {
    REQUIRE(::mkfifo((dir / "x.so").c_str(), 0600) == 0);
    CHECK(contains(refusal(dir / "x.so"), "not a regular file"));
  }
  SUBCASE("a folder") {
    std::filesystem::create_directory(dir / "x.so");
    CHECK(contains(refusal(dir / "x.so"), "not a regular file"));
  }
}

TEST_CASE("every truncation of a plugin is refused or read right: never a crash or wrong bytes") {
  ScratchDir dir("elf-cut");
  const std::string library = read_file(kMse);
  const auto whole = read_exported_object(kMse, kSymbol, kChecked);
  REQUIRE(whole.has_value());
  write_file(dir / "x.so", library);
  // Every length below the whole, shortest last: byte by byte in the ELF header, then every 7th.
  std::size_t refused = 0;
  for (std::size_t length = library.size() - 1;; length -= (length <= 128 ? 1 : 7)) {
    std::filesystem::resize_file(dir / "x.so", length);
    try {
      const auto bytes = read_exported_object(dir / "x.so", kSymbol, kChecked);
      // What can still be read must be the same bytes (the tables and the descriptor lie before the cut).
      REQUIRE(bytes.has_value());
      CHECK(*bytes == *whole);
    } catch (const ElfError&) {
      ++refused;
    }
    if (length == 0) break;
  }
  CHECK(refused > 100);
}

TEST_CASE("garbage in a plugin's headers and tables is refused or read, never a crash (3000 mutations)") {
  ScratchDir dir("elf-garbage");
  const std::string library = read_file(kMse);
  write_file(dir / "x.so", library);
  const auto shoff = header_field<Elf64_Off>(library, offsetof(Elf64_Ehdr, e_shoff));
  REQUIRE(shoff < library.size());
  std::fstream file(dir / "x.so", std::ios::in | std::ios::out | std::ios::binary);
  std::mt19937_64 random(23);
  std::size_t refused = 0;
  for (int round = 0; round < 3000; ++round) {
    // A few random bytes, in turn in the ELF and program headers, in the section headers, anywhere (the
    // symbol and string tables, the descriptor); put back after the round.
    const std::size_t from = round % 3 == 1 ? shoff : 0;
    const std::size_t span = round % 3 == 0 ? 1024 : library.size() - from;
    std::vector<std::size_t> changed;
    for (int k = 0; k < 1 + round % 4; ++k) {
      changed.push_back(from + random() % span);
      file.seekp(static_cast<std::streamoff>(changed.back()));
      file.put(static_cast<char>(random() & 0xFF));
    }
    file.flush();
    try {
      const auto read = read_exported_object(dir / "x.so", kSymbol, kChecked);
      if (read) CHECK(read->size() <= kChecked);
    } catch (const ElfError&) {
      ++refused;
    }
    for (const std::size_t at : changed) {
      file.seekp(static_cast<std::streamoff>(at));
      file.put(library[at]);
    }
  }
  file.flush();
  CHECK(refused > 0);
  CHECK(read_file(dir / "x.so") == library);  // every round started from the real library
}

TEST_CASE("the loader refuses a file that is no library with its name and what to do, without loading it") {
  ScratchDir dir("elf-loader");
  write_file(dir / "x.so", "not a library at all, though its name ends in .so; it is long enough for a header");
  try {
    (void)seqlab::load_plugin_file(dir / "x.so");
    FAIL("loaded a text file");
  } catch (const seqlab::PluginLoadError& e) {
    CHECK(contains(e.what(), dir / "x.so: not a loadable shared library (not an ELF file"));
    CHECK(contains(e.what(), "remove it from the plugin folder or rebuild it"));
  }
}
