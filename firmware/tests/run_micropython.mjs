// Runs Python under real MicroPython (the WebAssembly port) in Node.js.
//
//   node run_micropython.mjs FIRMWARE_DIR SCRIPT.py [heap bytes]
//
// Copies FIRMWARE_DIR/meter/*.py to /meter and FIRMWARE_DIR/tests/*.py to / in
// MicroPython's in-memory filesystem, then runs SCRIPT.py. Exit status 1 when
// the script raises or calls sys.exit with a non-zero status. With the
// environment variable AOM_METER_DIR, the meter package comes from that folder
// instead (e.g. the .mpy files of firmware/build.py).
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { loadMicroPython } = await import(
  join(here, "..", "node_modules", "@micropython", "micropython-webassembly-pyscript", "micropython.mjs")
);

const [firmware, script, heap] = process.argv.slice(2);
const mp = await loadMicroPython({
  heapsize: heap ? Number(heap) : 4 * 1024 * 1024,
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});

function copy(from, to, mpy = false) {
  for (const name of readdirSync(from)) {
    if (name.endsWith(".py") || (mpy && name.endsWith(".mpy")))
      mp.FS.writeFile(to + "/" + name, readFileSync(join(from, name)));
  }
}
mp.FS.mkdir("/meter");
if (process.env.AOM_METER_DIR) copy(process.env.AOM_METER_DIR, "/meter", true);
else copy(join(firmware, "meter"), "/meter");
mp.FS.mkdir("/t");
copy(join(firmware, "tests"), "/t");

try {
  mp.runPython("import sys\nsys.path.insert(0, '/t')\nsys.path.insert(0, '/')\n");
  // A line "#--- top level ---" splits the script into parts run one after the other, sharing
  // their globals: the WebAssembly port's gc.collect() frees everything only at the top level.
  for (const part of readFileSync(script, "utf8").split("#--- top level ---\n")) mp.runPython(part);
} catch (e) {
  const text = String(e);
  if (/SystemExit: 0\b/.test(text)) process.exit(0);
  process.stderr.write(text + "\n");
  process.exit(1);
}
