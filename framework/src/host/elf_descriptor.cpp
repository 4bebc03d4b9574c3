// ELF64 parsing for one purpose: the bytes of an exported object, from the file, checked at every step.
#include "host/elf_descriptor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace seqlab {

namespace {

#if defined(__x86_64__)
constexpr Elf64_Half kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr Elf64_Half kHostMachine = EM_AARCH64;
#elif defined(__powerpc64__)
constexpr Elf64_Half kHostMachine = EM_PPC64;
#elif defined(__riscv)
constexpr Elf64_Half kHostMachine = EM_RISCV;
#elif defined(__s390x__)
constexpr Elf64_Half kHostMachine = EM_S390;
#else
constexpr Elf64_Half kHostMachine = EM_NONE;  // unknown here: the machine is left to the dynamic loader
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostByteOrder = ELFDATA2LSB;
#else
constexpr unsigned char kHostByteOrder = ELFDATA2MSB;
#endif

// A plugin's dynamic symbol and string tables are kilobytes; a table claimed larger than this is refused
// before anything is allocated for it (a sparse file can claim any size).
constexpr std::uint64_t kMaxTableBytes = 64ull << 20;

std::string machine_name(Elf64_Half machine) {
  switch (machine) {
    case EM_386:
      return "x86 (32-bit)";
    case EM_X86_64:
      return "x86-64";
    case EM_ARM:
      return "ARM (32-bit)";
    case EM_AARCH64:
      return "AArch64";
    case EM_PPC64:
      return "PowerPC 64";
    case EM_RISCV:
      return "RISC-V";
    case EM_S390:
      return "s390x";
  }
  return "ELF machine " + std::to_string(machine);
}

// [offset, offset + size) lies within [0, limit), without overflowing.
bool fits(std::uint64_t offset, std::uint64_t size, std::uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

// The file, opened without blocking (a FIFO would wait for a writer) and read only where it has bytes.
class ElfFile {
 public:
  explicit ElfFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0) throw ElfError(std::string("cannot open it: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int error = errno;
      ::close(fd_);
      throw ElfError(std::string("cannot read it: ") + std::strerror(error));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw ElfError("not a regular file (a FIFO, device or socket cannot be a plugin)");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  ~ElfFile() { ::close(fd_); }
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  std::uint64_t size() const { return size_; }

  // `size` bytes at `offset` into `out`; refused, naming `what`, unless they all lie within the file.
  void read(std::uint64_t offset, std::uint64_t size, void* out, const std::string& what) const {
    if (!fits(offset, size, size_))
      throw ElfError("truncated or malformed: its " + what + " (" + std::to_string(size) + " bytes at offset " +
                     std::to_string(offset) + ") would end past the end of the file (" + std::to_string(size_) +
                     " bytes)");
    auto* bytes = static_cast<char*>(out);
    std::uint64_t done = 0;
    while (done < size) {
      const ssize_t n = ::pread(fd_, bytes + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw ElfError("cannot read its " + what +
                       (n < 0 ? std::string(": ") + std::strerror(errno) : std::string(": the file became shorter")));
      done += static_cast<std::uint64_t>(n);
    }
  }

  template <class T>
  T read_struct(std::uint64_t offset, const std::string& what) const {
    T value;
    read(offset, sizeof value, &value, what);
    return value;
  }

  // A table of `size` bytes, refused if it is larger than any plugin's.
  std::vector<char> read_table(std::uint64_t offset, std::uint64_t size, const std::string& what) const {
    if (size > kMaxTableBytes)
      throw ElfError("malformed: its " + what + " claims " + std::to_string(size) + " bytes, more than " +
                     std::to_string(kMaxTableBytes) + " (no plugin's is that large)");
    std::vector<char> table(static_cast<std::size_t>(size));
    read(offset, size, table.data(), what);
    return table;
  }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

Elf64_Ehdr checked_header(const ElfFile& file) {
  if (file.size() < sizeof(Elf64_Ehdr)) {
    // Long enough to say what it is not, even when it is too short to be anything.
    unsigned char ident[EI_NIDENT] = {};
    file.read(0, std::min<std::uint64_t>(file.size(), EI_NIDENT), ident, "identification");
    if (file.size() >= 4 && std::memcmp(ident, ELFMAG, SELFMAG) == 0)
      throw ElfError("truncated: " + std::to_string(file.size()) + " bytes, shorter than an ELF header");
    throw ElfError("not an ELF file (" + std::to_string(file.size()) + " bytes, shorter than an ELF header)");
  }
  const auto header = file.read_struct<Elf64_Ehdr>(0, "ELF header");
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) throw ElfError("not an ELF file (no \\177ELF at its start)");
  if (header.e_ident[EI_CLASS] == ELFCLASS32) throw ElfError("a 32-bit ELF file; this seqlab is 64-bit");
  if (header.e_ident[EI_CLASS] != ELFCLASS64)
    throw ElfError("malformed ELF file (class " + std::to_string(header.e_ident[EI_CLASS]) + ")");
  if (header.e_ident[EI_DATA] != kHostByteOrder) throw ElfError("an ELF file of the other byte order");
  if (header.e_type != ET_DYN)
    throw ElfError("not a shared library (ELF type " + std::to_string(header.e_type) +
                   "; a plugin is built as a MODULE library)");
  if (kHostMachine != EM_NONE && header.e_machine != kHostMachine)
    throw ElfError("built for " + machine_name(header.e_machine) + ", and this seqlab runs on " +
                   machine_name(kHostMachine));
  if (header.e_shoff == 0 || header.e_shnum == 0)
    throw ElfError("it has no section headers (stripped with sstrip?): its symbols cannot be read unloaded");
  if (header.e_shentsize != sizeof(Elf64_Shdr) || header.e_phentsize != sizeof(Elf64_Phdr))
    throw ElfError("malformed ELF file (header entry sizes " + std::to_string(header.e_shentsize) + " and " +
                   std::to_string(header.e_phentsize) + ")");
  if (header.e_phnum == PN_XNUM) throw ElfError("malformed ELF file (extended program header count)");
  if (!fits(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr), file.size()))
    throw ElfError("truncated or malformed: its program header table (" + std::to_string(header.e_phnum) +
                   " entries at offset " + std::to_string(header.e_phoff) + ") would end past the end of the file (" +
                   std::to_string(file.size()) + " bytes)");
  return header;
}

std::vector<Elf64_Shdr> section_headers(const ElfFile& file, const Elf64_Ehdr& header) {
  const std::uint64_t count = header.e_shnum;  // < SHN_LORESERVE; 0 (extended) was refused with the header
  std::vector<Elf64_Shdr> sections(static_cast<std::size_t>(count));
  file.read(header.e_shoff, count * sizeof(Elf64_Shdr), sections.data(), "section header table");
  return sections;
}

std::vector<char> section_bytes(const ElfFile& file, const Elf64_Shdr& section, const std::string& what) {
  if (section.sh_type == SHT_NOBITS) throw ElfError("malformed: its " + what + " has no bytes in the file");
  return file.read_table(section.sh_offset, section.sh_size, what);
}

// The file offset of `size` bytes at virtual address `address`: they must lie in the file part of one PT_LOAD
// segment (not in its zero-filled tail), as the dynamic loader would map them.
std::uint64_t file_offset_of(const ElfFile& file, const Elf64_Ehdr& header, std::uint64_t address, std::uint64_t size,
                             const std::string& what) {
  for (std::uint64_t i = 0; i < header.e_phnum; ++i) {
    const auto segment = file.read_struct<Elf64_Phdr>(header.e_phoff + i * sizeof(Elf64_Phdr), "program header table");
    if (segment.p_type != PT_LOAD || address < segment.p_vaddr) continue;
    const std::uint64_t within = address - segment.p_vaddr;
    if (!fits(within, size, segment.p_filesz)) continue;
    if (!fits(segment.p_offset, segment.p_filesz, file.size()))
      throw ElfError("truncated or malformed: the segment holding its " + what + " ends past the end of the file");
    return segment.p_offset + within;
  }
  throw ElfError("malformed: its " + what + " (" + std::to_string(size) + " bytes at address " +
                 std::to_string(address) + ") lies in no loadable part of the file");
}

}  // namespace

std::optional<std::string> read_exported_object(const std::string& path, const std::string& symbol,
                                                std::size_t max_bytes) {
  const ElfFile file(path);
  const Elf64_Ehdr header = checked_header(file);
  const std::vector<Elf64_Shdr> sections = section_headers(file, header);
  const Elf64_Shdr* dynsym = nullptr;
  for (const auto& section : sections)
    if (section.sh_type == SHT_DYNSYM) {
      dynsym = &section;
      break;
    }
  if (dynsym == nullptr) return std::nullopt;  // exports nothing
  if (dynsym->sh_entsize != sizeof(Elf64_Sym) || dynsym->sh_link >= sections.size())
    throw ElfError("malformed: its dynamic symbol table's entry size or string table is wrong");
  const Elf64_Shdr& strtab = sections[dynsym->sh_link];
  if (strtab.sh_type != SHT_STRTAB) throw ElfError("malformed: its dynamic symbols' string table is no string table");
  const std::vector<char> names = section_bytes(file, strtab, "dynamic string table");
  const std::vector<char> table = section_bytes(file, *dynsym, "dynamic symbol table");

  const std::size_t count = table.size() / sizeof(Elf64_Sym);
  for (std::size_t i = 0; i < count; ++i) {
    Elf64_Sym sym;
    std::memcpy(&sym, table.data() + i * sizeof(Elf64_Sym), sizeof sym);
    // The name, NUL included, must lie within the string table.
    if (!fits(sym.st_name, symbol.size() + 1, names.size())) continue;
    if (std::memcmp(names.data() + sym.st_name, symbol.c_str(), symbol.size() + 1) != 0) continue;
    // An undefined entry is a reference to another library's symbol: this library does not export it.
    if (sym.st_shndx == SHN_UNDEF) continue;
    const std::string what = "`" + symbol + "`";
    if (ELF64_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_shndx >= SHN_LORESERVE)
      throw ElfError("its " + what + " is not a data object");
    const std::uint64_t size = std::min<std::uint64_t>(sym.st_size, max_bytes);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (size > 0) file.read(file_offset_of(file, header, sym.st_value, size, what), size, bytes.data(), what);
    return bytes;
  }
  return std::nullopt;
}

}  // namespace seqlab
