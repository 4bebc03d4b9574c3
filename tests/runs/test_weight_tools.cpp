// tools/torch2seqlab and tools/seqlab2torch treat their input as data: no pickle runs, no write leaves OUT_DIR.
#include <doctest/doctest.h>

#include <filesystem>
#include <iterator>

#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

bool have_torch() {
  if (run_shell("/usr/bin/python3 -c 'import torch'").exit_code == 0) return true;
  seqlab::test::missing_prerequisite("Debian's python3-torch", "tools/setup --with-test-packages installs it");
  return false;
}

std::string tool(const std::string& name) { return std::string(SEQLAB_TEST_SOURCE_DIR) + "/tools/" + name + " "; }

// Runs a Python script with Debian's interpreter (torch and numpy imported) in `dir`.
void python(const ScratchDir& dir, const std::string& script) {
  write_file(dir / "make.py", "import os, pickle, collections\nimport numpy as np\nimport torch\n" + script);
  const auto made = run_shell("cd '" + dir.path() + "' && /usr/bin/python3 make.py");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
}

std::size_t entries(const std::string& folder) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

// A class whose unpickling runs a shell command that leaves `marker`.
std::string evil_class(const std::string& marker) {
  return "class Evil:\n"
         "    def __reduce__(self):\n"
         "        return (os.system, ('touch " +
         marker + "',))\n";
}

}  // namespace

TEST_CASE("torch2seqlab refuses a pickle that would run code, before it runs") {
  if (!have_torch()) return;
  ScratchDir dir("torch2seqlab-pickle");
  const std::string marker = dir / "unpickled";
  // The object inside a zip checkpoint as torch.save writes it, and a bare legacy pickle.
  python(dir, evil_class(marker) +
                  "torch.save({'fc.weight': torch.zeros(2), 'fc.bias': Evil()}, 'evil.pt')\n"
                  "with open('evil_legacy.pt', 'wb') as f: pickle.dump(Evil(), f)\n"
                  "torch.save(torch.nn.Linear(2, 1), 'whole_model.pt')\n");
  REQUIRE_FALSE(fs::exists(marker));
  for (const char* file : {"evil.pt", "evil_legacy.pt", "whole_model.pt"}) {
    CAPTURE(file);
    const auto result = run_shell(tool("torch2seqlab") + "'" + dir / file + "' '" + dir / "out" + "'");
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "torch2seqlab: error: " + dir / file + ": cannot load it as plain weights"));
    CHECK(contains(result.output, "save model.state_dict()"));
    CHECK_FALSE(contains(result.output, "weights_only` set to `False`"));  // torch's advice is not passed on
    CHECK_FALSE(fs::exists(marker));
    CHECK_FALSE(fs::exists(dir / "out"));
  }
  // The plant is live: torch.load as the tool used to call it runs the command.
  run_shell("cd '" + dir.path() + "' && /usr/bin/python3 -c \"import torch; torch.load('evil.pt')\"");
  CHECK(fs::exists(marker));
}

TEST_CASE("torch2seqlab refuses names that are not plain parameter names, before writing anything") {
  if (!have_torch()) return;
  ScratchDir dir("torch2seqlab-names");
  python(dir,
         "z = torch.zeros(2)\n"
         "names = ['../x', os.path.abspath('absolute')]\n"
         "for i, name in enumerate(names):\n"
         "    torch.save(collections.OrderedDict([('fc.bias', z), (name, z)]), f'bad{i}.pt')\n"
         "torch.save({3: z}, 'int_key.pt')\n");
  // The two names that would write outside OUT_DIR, end to end (each call imports torch: seconds apiece).
  fs::create_directories(dir / "run");
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    const auto result =
        run_shell(tool("torch2seqlab") + "'" + dir / ("bad" + std::to_string(i) + ".pt") + "' '" + dir / "run/out'");
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, "is not a plain parameter name"));
    CHECK_FALSE(fs::exists(dir / "run/out"));  // refused before OUT_DIR is made
    CHECK(entries(dir / "run") == 0);
  }
  CHECK_FALSE(fs::exists(dir / "x.npy"));         // where '../x' would have gone
  CHECK_FALSE(fs::exists(dir / "absolute.npy"));  // and an absolute name
  const auto int_key = run_shell(tool("torch2seqlab") + "'" + dir / "int_key.pt" + "' '" + dir / "out'");
  CHECK(int_key.exit_code == 2);
  CHECK(contains(int_key.output, "the key 3 is not a name"));

  // Every other kind of bad name through the tool's own check, in one process: each must end it with exit 2
  // and the refusal, and the plain names must pass.
  python(dir,
         "import importlib.machinery, io, contextlib, sys\n"
         "tool = importlib.machinery.SourceFileLoader('t2s', '" +
             std::string(SEQLAB_TEST_SOURCE_DIR) +
             "/tools/torch2seqlab').load_module()\n"
             "z = torch.zeros(2)\n"
             "for name in ['a/b', '.hidden', 'a..b', 'a.', 'a\\nb', 'a b', '..', '', 'x\\x1b[31m']:\n"
             "    err = io.StringIO()\n"
             "    with contextlib.redirect_stderr(err):\n"
             "        try:\n"
             "            tool.checked_names({'fc.bias': z, name: z}, [], 'f.pt')\n"
             "            sys.exit(f'accepted {name!r}')\n"
             "        except SystemExit as e:\n"
             "            if e.code != 2 or 'is not a plain parameter name' not in err.getvalue():\n"
             "                sys.exit(f'{name!r}: exit {e.code}: {err.getvalue()}')\n"
             "assert list(tool.checked_names({'lstm.weight_ih_l0': z, 'fc.bias': z}, [], 'f.pt')) == "
             "['lstm.weight_ih_l0', 'fc.bias']\n");
}

TEST_CASE("torch2seqlab checks the names --rename makes, and writes only into a new or empty folder") {
  if (!have_torch()) return;
  ScratchDir dir("torch2seqlab-out");
  python(dir,
         "z = torch.zeros(2)\n"
         "torch.save({'encoder.weight': z, 'lstm.weight': z}, 'clash.pt')\n"
         "torch.save({'fc.weight': z, 'fc.bias': z}, 'good.pt')\n");
  // --rename is checked too: its result must be plain, and two tensors may not end up with one name.
  const auto escape = run_shell(tool("torch2seqlab") + "'" + dir / "good.pt" + "' '" + dir / "out' --rename fc.=../");
  INFO(escape.output);
  CHECK(escape.exit_code == 2);
  CHECK(contains(escape.output, "'../weight' (renamed from 'fc.weight') is not a plain parameter name"));
  const auto clash =
      run_shell(tool("torch2seqlab") + "'" + dir / "clash.pt" + "' '" + dir / "out' --rename encoder.=lstm.");
  INFO(clash.output);
  CHECK(clash.exit_code == 2);
  CHECK(contains(clash.output, "'lstm.weight': two tensors get this name"));
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK_FALSE(fs::exists(dir / "weight.npy"));

  // OUT_DIR may not be a link (its files would land where it points), nor hold anything.
  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", dir / "link");
  const auto linked = run_shell(tool("torch2seqlab") + "'" + dir / "good.pt" + "' '" + dir / "link'");
  CHECK(linked.exit_code == 2);
  CHECK(contains(linked.output, "is a symbolic link"));
  CHECK(entries(dir / "elsewhere") == 0);
  write_file(dir / "elsewhere/keep.txt", "mine\n");
  const auto full = run_shell(tool("torch2seqlab") + "'" + dir / "good.pt" + "' '" + dir / "elsewhere'");
  CHECK(full.exit_code == 2);
  CHECK(contains(full.output, "exists and is not empty"));

  // Plain names still go through.
  const auto good = run_shell(tool("torch2seqlab") + "'" + dir / "good.pt" + "' '" + dir / "out'");
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(fs::is_regular_file(dir / "out/fc.weight.npy"));
  CHECK(fs::is_regular_file(dir / "out/fc.bias.npy"));
}

TEST_CASE("seqlab2torch reads a shared folder's .npy files as data: no pickle, no links, no FIFO, sizes checked") {
  if (!have_torch()) return;
  ScratchDir dir("seqlab2torch");
  const std::string marker = dir / "unpickled";
  python(dir, evil_class(marker) +
                  "for d in ['pickle', 'link', 'fifo', 'huge', 'name', 'rename', 'good', 'good/weights']:\n"
                  "    os.makedirs(d, exist_ok=True)\n"
                  "np.save('pickle/fc.bias.npy', np.array([Evil()], dtype=object), allow_pickle=True)\n"
                  "np.save('good/weights/fc.bias.npy', np.zeros(2, np.float32))\n"
                  "np.save('good/weights/fc.weight.npy', np.zeros((2, 3), np.float32))\n"
                  "np.save('secret.npy', np.ones(2, np.float32))\n"
                  "os.symlink(os.path.abspath('secret.npy'), 'link/fc.bias.npy')\n"
                  "os.mkfifo('fifo/fc.bias.npy')\n"
                  "np.save('name/a b.npy', np.zeros(2, np.float32))\n"
                  "np.save('rename/fc.bias.npy', np.zeros(2, np.float32))\n"
                  "header = \"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }\"\n"
                  "header = header + ' ' * (117 - len(header)) + '\\n'\n"
                  "with open('huge/fc.bias.npy', 'wb') as f:\n"
                  "    f.write(b'\\x93NUMPY\\x01\\x00' + len(header).to_bytes(2, 'little') + header.encode() + "
                  "bytes(8))\n");
  struct Case {
    const char* folder;
    const char* extra;
    const char* message;
  };
  const Case cases[] = {{"pickle", "", "is object, not float32"},
                        {"link", "", "not a symbolic link"},
                        {"fifo", "", "is not a regular file"},
                        {"huge", "", "its header says shape (1000000000,) (4000000000 bytes) but the file holds 8"},
                        {"name", "", "'a b' is not a plain parameter name"},
                        {"rename", " --rename fc.=../", "'../bias' (renamed from 'fc.bias') is not a plain"}};
  for (const Case& c : cases) {
    CAPTURE(c.folder);
    const auto result =
        run_shell("timeout 60 " + tool("seqlab2torch") + "'" + dir / c.folder + "' '" + dir / "out.pt'" + c.extra);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, c.message));
    CHECK_FALSE(fs::exists(dir / "out.pt"));
    CHECK_FALSE(fs::exists(marker));
  }
  // A run folder whose weights/ is a link elsewhere is refused; a real one converts.
  fs::create_directories(dir / "linked_run");
  fs::create_directory_symlink(dir / "good/weights", dir / "linked_run/weights");
  const auto linked = run_shell(tool("seqlab2torch") + "'" + dir / "linked_run" + "' '" + dir / "out.pt'");
  CHECK(linked.exit_code == 2);
  CHECK(contains(linked.output, "weights is a symbolic link"));
  const auto good = run_shell(tool("seqlab2torch") + "'" + dir / "good" + "' '" + dir / "out.pt'");
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(contains(good.output, "wrote 2 tensors"));
}
